namespace Billing.Cli.Api.Responses;

/// <summary>One row of <c>GET /api/v1/ledger/balances</c>.</summary>
public sealed record LedgerBalance(string? Account, string? Asset, string? Amount);

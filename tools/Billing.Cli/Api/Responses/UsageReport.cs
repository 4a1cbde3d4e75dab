namespace Billing.Cli.Api.Responses;

/// <summary><c>GET /api/v1/usage</c>: the query echoed back and one row per window and group.</summary>
public sealed record UsageReport(string? Payer, string? Meter, string? Window, string? From, string? To, IReadOnlyList<UsageRow> Rows);

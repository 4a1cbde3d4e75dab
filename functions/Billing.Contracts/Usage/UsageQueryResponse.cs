namespace Billing.Contracts.Usage;

/// <summary>GET /api/v1/usage: a payer's usage of one meter over <c>[from, to)</c>, by window and group.</summary>
public sealed record UsageQueryResponse(string Payer, string Meter, string From, string To, string Window, IReadOnlyList<UsageRowResponse> Rows);

namespace Billing.Contracts.Ledger;

/// <summary><c>GET /api/v1/ledger/balances?payer=</c>: balances by account and asset; <see cref="Payer"/> is <c>null</c> for the whole book.</summary>
public sealed record LedgerBalancesResponse(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Payer,
    IReadOnlyList<LedgerBalance> Balances);

namespace Billing.Domain.Ledger;

/// <summary>The balance of one account in one asset: debits minus credits (exact, in <see cref="Int128"/>).</summary>
public sealed record AccountBalance(string Account, string Asset, Int128 Amount);

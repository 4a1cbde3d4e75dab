namespace Billing.Contracts.Ledger;

/// <summary>One account's balance in one asset; <see cref="Amount"/> is an integer in minor or base units, as a decimal string.</summary>
public sealed record LedgerBalance(string Account, string Asset, string Amount);

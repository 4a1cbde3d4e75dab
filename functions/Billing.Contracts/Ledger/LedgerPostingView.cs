namespace Billing.Contracts.Ledger;

/// <summary>One posting of an entry; <see cref="Amount"/> is a signed integer as a decimal string (exact beyond 2^53).</summary>
public sealed record LedgerPostingView(string Account, string Asset, string Amount);

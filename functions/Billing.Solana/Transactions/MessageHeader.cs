namespace Billing.Solana.Transactions;

/// <summary>Legacy message header: how many leading keys sign, and how many of those / of the rest are read-only.</summary>
public readonly record struct MessageHeader(byte NumRequiredSignatures, byte NumReadonlySignedAccounts, byte NumReadonlyUnsignedAccounts);

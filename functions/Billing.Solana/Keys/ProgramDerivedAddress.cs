namespace Billing.Solana.Keys;

/// <summary>A program-derived address together with the bump seed that produced it.</summary>
public readonly record struct ProgramDerivedAddress(PublicKey Address, byte Bump);

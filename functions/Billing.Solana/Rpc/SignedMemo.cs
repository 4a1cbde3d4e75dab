namespace Billing.Solana.Rpc;

/// <summary>A memo found on chain in a successful transaction signed by the authority it was read for.</summary>
public sealed record SignedMemo(string Signature, ulong Slot, long? BlockTime, string Text);

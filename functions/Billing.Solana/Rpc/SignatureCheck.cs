namespace Billing.Solana.Rpc;

/// <summary>One signature's outcome, and the slot of the node that answered (how far it had seen).</summary>
public sealed record SignatureCheck(string Signature, SignatureOutcome Outcome, SignatureStatus? Status, ulong ContextSlot = 0)
{
    public TransactionError? Error => Status?.Error;
}

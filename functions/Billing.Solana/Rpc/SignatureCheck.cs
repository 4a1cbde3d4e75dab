namespace Billing.Solana.Rpc;

public sealed record SignatureCheck(string Signature, SignatureOutcome Outcome, SignatureStatus? Status)
{
    public TransactionError? Error => Status?.Error;
}

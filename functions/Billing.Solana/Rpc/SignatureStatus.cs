namespace Billing.Solana.Rpc;

/// <summary>Status from getSignatureStatuses; <see cref="Error"/> is null when the transaction succeeded.</summary>
public sealed record SignatureStatus(ulong Slot, ulong? Confirmations, TransactionError? Error, Commitment? ConfirmationStatus)
{
    public bool Succeeded => Error is null;

    public bool HasReached(Commitment commitment) => ConfirmationStatus is { } reached && reached >= commitment;
}

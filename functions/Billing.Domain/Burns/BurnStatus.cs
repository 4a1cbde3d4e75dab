namespace Billing.Domain.Burns;

/// <summary>
/// Where a burn stands. pending → signed (bytes, signature and lastValidBlockHeight stored before any send) →
/// submitted → finalized | failed. <see cref="Skipped"/>: the payment converts to zero base units, recorded, never sent.
/// pending ⇄ <see cref="Held"/>: money of the invoice was credited back before anything was signed.
/// </summary>
public enum BurnStatus
{
    Pending,

    // "Signed" is the state's name in stored rows and the API (a signed transaction), not the integer type name.
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "State name stored in rows and returned by the API.")]
    Signed,
    Submitted,
    Finalized,
    Failed,
    Skipped,

    /// <summary>Not signed while a credit note stands against its invoice (docs/design.md §4.15); pending again once all are voided.</summary>
    Held,
}

using Azure;

namespace Billing.Application.Burns;

/// <summary>
/// The credit-note hold (docs/design.md §4.15). Invariant, enforced here and only here, right before an intent is signed:
/// <b>no burn is signed while a credit note stands against its invoice</b> (applied or not: money may have gone back). The
/// credit note is written before its webhook looks at the burn, and the executor reads the notes after the intent and
/// signs under the intent's ETag, so either it sees the note and holds, or the note sees a signed burn and reconcile reports
/// it. A burn on chain is final: nothing is ever un-burned.
/// </summary>
public sealed partial class BurnExecutor
{
    /// <summary>
    /// Holds a pending intent whose invoice has standing credit notes (or notes that cannot be read), puts a held one back to
    /// pending once none stands (null: the caller reads it again), and signs a pending one that nothing holds.
    /// </summary>
    private async Task<StepOutcome?> HoldOrSignAsync(BurnIntent intent, ETag etag, TreasuryAccount treasury, CancellationToken cancellationToken)
    {
        string? why;
        try
        {
            var (credits, _) = await creditNotes.GetStateAsync(intent.InvoiceId, cancellationToken).ConfigureAwait(false);
            why = credits.HoldsBurn
                ? $"held: credit notes stand against {intent.InvoiceId} ({string.Join(", ", credits.Notes.Values.Where(n => !n.Voided).Select(n => n.CreditNoteId))}); "
                  + "it is signed only once they are voided (ledger reconcile reports it)"
                : null;
        }
        catch (InvalidDataException ex)
        {
            why = $"held: the credit notes of {intent.InvoiceId} cannot be read ({ex.Message})";
        }

        if (why is null)
        {
            return intent.Status == BurnStatus.Held
                ? await SaveAsync(intent with { Status = BurnStatus.Pending, Reason = null, UpdatedAt = time.GetUtcNow() }, etag, null, cancellationToken).ConfigureAwait(false)
                : await SignAsync(intent, etag, treasury, cancellationToken).ConfigureAwait(false);
        }

        if (intent.Status != BurnStatus.Held || intent.Reason != why)
        {
            LogWaiting(logger, intent.Id, why);
            return await SaveAsync(intent with { Status = BurnStatus.Held, Reason = why, UpdatedAt = time.GetUtcNow() }, etag, StepOutcome.Waiting, cancellationToken).ConfigureAwait(false);
        }

        return StepOutcome.Waiting;
    }
}

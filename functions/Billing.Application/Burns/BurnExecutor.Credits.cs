namespace Billing.Application.Burns;

/// <summary>
/// The credit-note rules, enforced here and only here, right before an intent is signed (docs/design.md §4.15, §4.16):
/// <list type="bullet">
/// <item><b>no burn is signed while a credit note that may have sent money back stands against its invoice</b> (one with a
/// post-payment part, or one recorded unapplied) or while the notes cannot be read;</item>
/// <item>once an applied pre-payment note was ever recorded for the invoice, <b>the burn converts exactly
/// <see cref="InvoiceSettlement.BurnableMinor"/></b> — the cash that was due, and only once it has all arrived — so it never
/// burns more than the cash received net of credits. A void that makes the invoice owe again holds it; an unsigned amount
/// that no longer matches is corrected before signing.</item>
/// <item><b>no burn is signed while Stripe refunded more on its invoice's charges than its credit notes did</b> (a Dashboard
/// or API refund): money that went back is not burned; nor while a refund of its invoice's Stripe customer is not yet placed
/// under any invoice (the charge's link, <c>invoice_payment.paid</c>, has not arrived), as it may be this invoice's.</item>
/// <item><b>no burn is signed while the book holds a credit note or refund of its invoice (or an unplaced refund of a customer
/// who paid it) that the rows do not</b> (<see cref="BookedCredits"/>): rows deleted or rewritten outside the platform lift
/// the holds above, the hash-chained entries do not.</item>
/// <item><b>no burn is signed while Stripe reports its invoice's charge disputed</b>, open or lost (<see cref="DisputeHold"/>); a
/// win puts it back to pending.</item>
/// <item>a burn finance released (<see cref="BurnReleaser"/>) is signed for the amount finance gave <b>only while that is at most
/// what the invoice kept</b> after its credit notes and refunds, read now; a note or refund since the release holds it again,
/// and so does a refund of its customer that Stripe made since and no invoice is found for yet; and <b>only while the book
/// records that release</b> as the row has it (<see cref="ReleaseProof"/>): a release written onto the row outside the
/// platform lifts none of the holds above.</item>
/// </list>
/// The credit note is written before its webhook looks at the burn, and the executor reads the notes after the intent and
/// signs under the intent's ETag, so either it sees the note and holds, or the note sees a signed burn and reconcile reports
/// it. A burn on chain is final: nothing is ever un-burned.
/// </summary>
public sealed partial class BurnExecutor
{
    /// <summary>Whether this run has seen the book's index whole (<see cref="IndexCompleteAsync"/>); reset at the start of each run.</summary>
    private bool indexCompleteInThisRun;

    /// <summary>
    /// Holds a pending intent that a credit note or its invoice's settlement holds, puts a held one back to pending once
    /// nothing does or corrects its amount (null: the caller reads it again), and signs a pending one that nothing holds.
    /// Stripe is asked once nothing in the rows or the book holds it, and the rows and the book are read again after its
    /// answer (BurnExecutor.Stripe.cs): a dispute, refund or credit note recorded while Stripe was being asked is seen.
    /// </summary>
    private async Task<StepOutcome?> HoldOrSignAsync(BurnIntent intent, ETag etag, TreasuryAccount treasury, CancellationToken cancellationToken)
    {
        // Once per pass: the row and its entry do not change within it (an entry is booked before its row), and each check reads the book.
        var proof = await ProveReleaseAsync(intent, cancellationToken).ConfigureAwait(false);
        var (why, amount) = await WhyHeldAsync(intent, proof, cancellationToken).ConfigureAwait(false);
        if (why is null && amount is null && confirmedInThisDrive != etag)
        {
            if (await UnconfirmedByStripeAsync(intent, etag, proof, cancellationToken).ConfigureAwait(false) is { } unconfirmed)
            {
                return unconfirmed;
            }

            confirmedInThisDrive = etag; // this row version: the pending pass after our own write does not ask again, a rewritten row does
            (why, amount) = await WhyHeldAsync(intent, proof, cancellationToken).ConfigureAwait(false);
        }

        if (why is not null)
        {
            return await HoldAsync(intent, etag, why, cancellationToken).ConfigureAwait(false);
        }

        if (amount is { } burnable)
        {
            // Unsigned, so the amount may still follow the settlement; the price snapshot stays, the tokens are recomputed at signing.
            LogAmountCorrected(logger, intent.Id, intent.UsdMinor, burnable);
            return await SaveConfirmedAsync(intent with { Status = BurnStatus.Pending, UsdMinor = burnable, Reason = null, UpdatedAt = time.GetUtcNow() }, etag, cancellationToken).ConfigureAwait(false);
        }

        return intent.Status == BurnStatus.Held
            ? await SaveConfirmedAsync(intent with { Status = BurnStatus.Pending, Reason = null, UpdatedAt = time.GetUtcNow() }, etag, cancellationToken).ConfigureAwait(false)
            : await SignAsync(intent, etag, treasury, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the pending row and carries Stripe's confirmation of the version it replaces to the one written: only our own
    /// write keeps it (null: the caller reads it again).
    /// </summary>
    private async Task<StepOutcome?> SaveConfirmedAsync(BurnIntent updated, ETag etag, CancellationToken cancellationToken)
    {
        if (await burns.TryReplaceAsync(updated, etag, cancellationToken).ConfigureAwait(false) is not { } written)
        {
            return StepOutcome.InFlight;
        }

        if (confirmedInThisDrive == etag)
        {
            confirmedInThisDrive = written;
        }

        return null;
    }

    /// <summary>
    /// Why the rows or the book hold the intent (a dispute, money that went back, a credit note, a release beyond what the invoice
    /// keeps), or else the amount it must be corrected to before signing (null when it is right). Reads only.
    /// </summary>
    private async Task<(string? Why, long? CorrectedAmount)> WhyHeldAsync(BurnIntent intent, (BurnReleaseEvidence? Evidence, string? Why) proof, CancellationToken cancellationToken)
    {
        // First: the holds below pass over what came before a release, so a release the book does not record lifts nothing.
        if (proof.Why is { } unproven)
        {
            return (unproven, null);
        }

        try
        {
            string? why = await DisputeHold.WhyAsync(refunds, payments, invoices, intent, cancellationToken).ConfigureAwait(false)
                ?? (await IndexCompleteAsync(cancellationToken).ConfigureAwait(false)
                    ? await BookedCredits.WhyAsync(ledger, creditNotes, refunds, payments, intent, cancellationToken).ConfigureAwait(false)
                    : BookedCredits.IndexIncomplete);
            if (why is not null)
            {
                return (why, null);
            }

            if (intent.ReleasedAt is not null)
            {
                return (await ReleasedRowDisagreesAsync(intent, cancellationToken).ConfigureAwait(false)
                    ?? await ReleasedBeyondKeptAsync(intent, cancellationToken).ConfigureAwait(false), null);
            }

            var (credits, _) = await creditNotes.GetStateAsync(intent.InvoiceId, cancellationToken).ConfigureAwait(false);
            var (notItsInvoice, settlement) = await SourcesAsync(intent, credits, cancellationToken).ConfigureAwait(false);
            why = notItsInvoice ?? (credits.HoldsBurn
                ? $"held: credit notes stand against {intent.InvoiceId} ({string.Join(", ", credits.HoldingNotes.Select(n => n.CreditNoteId))}); "
                  + "it is signed only once they are voided (ledger reconcile reports it)"
                : await RefundedOutsideNotesAsync(intent.InvoiceId, credits, new Overpayment(intent.Currency, settlement.OverpaidMinor), cancellationToken).ConfigureAwait(false));
            if (why is not null)
            {
                return (why, null);
            }

            var (unburnable, amount) = Burnable(intent, credits, settlement);
            return (unburnable, unburnable is null && amount is { } burnable && burnable != intent.UsdMinor ? burnable : null);
        }
        catch (InvalidDataException ex)
        {
            return (Unreadable(intent, ex), null);
        }
    }

    /// <summary>
    /// Whether the book's subject index is whole (<see cref="ILedgerRecorder.IsIndexCompleteAsync"/>, up to five reads): read
    /// until it is, then taken as whole for the rest of the run, since a sealed backfill claim is never withdrawn; read before
    /// each of a burn's checks, it cost every burn ten reads or more.
    /// </summary>
    private async Task<bool> IndexCompleteAsync(CancellationToken cancellationToken)
    {
        if (!indexCompleteInThisRun)
        {
            indexCompleteInThisRun = await ledger.IsIndexCompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        return indexCompleteInThisRun;
    }

    /// <summary>The release that stands as its entry records it, or why the burn is held (<see cref="ReleaseProof"/>; a book that cannot be read holds it).</summary>
    private async Task<(BurnReleaseEvidence? Evidence, string? Why)> ProveReleaseAsync(BurnIntent intent, CancellationToken cancellationToken)
    {
        try
        {
            return await ReleaseProof.CheckAsync(ledger, intent, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            return (null, Unreadable(intent, ex));
        }
    }

    private static string Unreadable(BurnIntent intent, InvalidDataException ex) =>
        $"held: the credit notes, disputes, payments or invoice of {intent.InvoiceId} cannot be read ({ex.Message})";

    private async Task<StepOutcome?> HoldAsync(BurnIntent intent, ETag etag, string why, CancellationToken cancellationToken)
    {
        if (intent.Status != BurnStatus.Held || intent.Reason != why)
        {
            LogWaiting(logger, intent.Id, why);
            return await SaveAsync(intent with { Status = BurnStatus.Held, Reason = why, UpdatedAt = time.GetUtcNow() }, etag, StepOutcome.Waiting, cancellationToken).ConfigureAwait(false);
        }

        return StepOutcome.Waiting;
    }

    /// <summary>
    /// Why a released burn waits: what finance released is more than the invoice keeps now, or Stripe refunded the invoice's
    /// customer since the release on a charge no invoice is found for yet (it may be this invoice's money, which finance did
    /// not see). Null when it may be signed.
    /// </summary>
    private async Task<string?> ReleasedBeyondKeptAsync(BurnIntent intent, CancellationToken cancellationToken)
    {
        long kept = await BurnReleaser.KeptAsync(intent, invoices, payments, creditNotes, refunds, cancellationToken).ConfigureAwait(false);
        if (intent.UsdMinor > kept)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"held: released by {intent.ReleasedBy} for {intent.UsdMinor} minor units, but {intent.InvoiceId} keeps only {kept} after the credit notes and refunds recorded since; signed once it keeps that much again, or release it again for less");
        }

        return await UnplacedCustomerRefunds.DescribeAsync(payments, refunds, intent.InvoiceId, intent.ReleasedAt, cancellationToken).ConfigureAwait(false) is { } refunded
            ? string.Create(CultureInfo.InvariantCulture, $"held: released by {intent.ReleasedBy} for {intent.UsdMinor} minor units, but since then {refunded}; ")
              + "money that may have gone back is not burned until invoice_payment.paid places the refund under an invoice, or finance releases the burn again "
              + "(ledger reconcile reports RefundWithoutCreditNote under the customer unless credit notes explain it)"
            : null;
    }

    /// <summary>
    /// Why a refund holds the burn: Stripe refunded more on the invoice's charges than its credit notes did and the payer
    /// overpaid (<paramref name="overpaid"/>: a refund of that returns the payer's credit) — a Dashboard or API refund.
    /// Money that went back is not burned; nothing releases that but finance (reconcile reports it as
    /// <c>RefundWithoutCreditNote</c>). Null when nothing was refunded beyond the notes.
    /// </summary>
    private async Task<string?> RefundedOutsideNotesAsync(string invoiceId, InvoiceCredits credits, Overpayment overpaid, CancellationToken cancellationToken)
    {
        var charges = await refunds.OfInvoiceAsync(invoiceId, cancellationToken).ConfigureAwait(false);
        if (charges.FirstOrDefault(r => r.Problem is not null) is { } unreadable)
        {
            // As a credit note whose amount cannot be read holds it: how much went back is unknown, so nothing is burned.
            return $"held: Stripe refunded an amount that cannot be read on charge {unreadable.ChargeId} of {invoiceId} ({unreadable.Problem}); "
                + "money that may have gone back is not burned (ledger reconcile reports RefundMalformedAmount); finance releases it once checked in Stripe";
        }

        var beyond = RefundsBeyondNotes.Of(charges, credits, overpaid).FirstOrDefault();
        return beyond is null ? await RefundedUnplacedAsync(invoiceId, cancellationToken).ConfigureAwait(false)
            : $"held: Stripe refunded {beyond.BeyondMinor} minor units of {beyond.Currency} on the charges of {invoiceId} ({string.Join(", ", beyond.ChargeIds)}) "
              + "outside any credit note; money that went back is not burned (ledger reconcile reports RefundWithoutCreditNote)";
    }

    /// <summary>
    /// Why a refund of the invoice's Stripe customer that no invoice is found for yet holds the burn (<see cref="UnplacedCustomerRefunds"/>);
    /// once placed, the per-invoice rule above decides. Null when there is none.
    /// </summary>
    private async Task<string?> RefundedUnplacedAsync(string invoiceId, CancellationToken cancellationToken) =>
        await UnplacedCustomerRefunds.DescribeAsync(payments, refunds, invoiceId, null, cancellationToken).ConfigureAwait(false) is { } refunded
            ? $"held: {refunded}; money that may have gone back is not burned until invoice_payment.paid places the refund under an invoice, "
              + "or finance releases the burn (ledger reconcile reports RefundWithoutCreditNote under the customer unless credit notes explain it)"
            : null;
}

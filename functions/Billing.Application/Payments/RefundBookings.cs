namespace Billing.Application.Payments;

/// <summary>
/// Books what Stripe refunded on a charge (docs/design.md §4.15, <see cref="RefundEntries"/>): step <c>refund:{charge}:{n}</c>
/// adds what a verified event (and the charge's row) says was refunded beyond the steps booked before it. The steps are read from the book, not
/// from the row, so a replayed or reordered delivery, a row deleted and recorded again, or a refund placed under its invoice
/// later books nothing twice; two deliveries racing for one step meet at its id (the loser conflicts and reads again).
/// </summary>
public sealed class RefundBookings(LedgerStore ledger, RefundStore refunds, InvoiceStore invoices, PaymentStore payments, CreditNoteStore credits)
{
    private const int MaxAttempts = 5;

    /// <summary>
    /// The entry booked for what <paramref name="reported"/>, a verified <c>charge.refunded</c>, says Stripe refunded on its charge
    /// (null: nothing new, the charge has no row, or the event's amount could not be read). The step goes up to the event's
    /// cumulative amount, never beyond it: the row holds the largest amount any event brought, and a row planted or raised
    /// outside the platform must not book money Stripe did not report (reconcile compares the row with the credit notes). It
    /// counts from <see cref="RefundEntries.BaseOf"/>, so a step planted with a high total does not stop a real refund from being
    /// booked, and one planted under no subject (or another's) does not take part of it out of the invoice's index, where the
    /// burn holds read it. A refund row that cannot be read throws <see cref="InvalidDataException"/>.
    /// </summary>
    public async Task<LedgerEntry?> BookAsync(IncomingRefund reported, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reported);
        string chargeId = reported.ChargeId;
        for (int attempt = 1; ; attempt++)
        {
            if (reported.Problem is not null || await refunds.GetAsync(chargeId, cancellationToken).ConfigureAwait(false) is not var (row, _))
            {
                return null;
            }

            var (next, steps) = await BookedStepsAsync(chargeId, cancellationToken).ConfigureAwait(false);
            string? invoiceId = PlacedUnder(row);
            long booked = RefundEntries.BaseOf(steps, row.AmountRefundedMinor, invoiceId, row.StripeCustomerId);
            long upTo = Math.Min(row.AmountRefundedMinor, reported.AmountRefundedMinor);
            if (upTo <= booked || !string.Equals(reported.Currency, row.Currency, StringComparison.Ordinal))
            {
                return null;
            }

            // The row's event when it reported this very total (reconcile compares the step at the row's total with it).
            string eventId = upTo == row.AmountRefundedMinor ? row.EventId : reported.EventId;
            var step = new RefundBooking(chargeId, next, upTo, upTo - booked, row.Currency, eventId, invoiceId, row.StripeCustomerId);
            long toCredit = invoiceId is null ? 0 : await OverpaymentLeftAsync(invoiceId, row.Currency, cancellationToken).ConfigureAwait(false);
            long outBefore = invoiceId is null ? 0 : await CashOutBeforeAsync(invoiceId, row.Currency, cancellationToken).ConfigureAwait(false);
            if (RefundEntries.Refunded(step, toCredit, upTo == row.AmountRefundedMinor ? row.At : reported.At, outBefore) is not { } draft)
            {
                return null;
            }

            try
            {
                return await ledger.AppendAsync(LedgerEntries.MainBook, draft, cancellationToken).ConfigureAwait(false);
            }
            catch (LedgerConflictException) when (attempt < MaxAttempts)
            {
                // Another delivery of this charge booked step n meanwhile: read the steps again.
            }
        }
    }

    /// <summary>The number of the charge's next step and the steps booked.</summary>
    private async Task<(int Next, List<LedgerEntry> Steps)> BookedStepsAsync(string chargeId, CancellationToken cancellationToken)
    {
        var steps = new List<LedgerEntry>();
        for (int n = 1; ; n++)
        {
            if (await ledger.GetAsync(LedgerEntries.MainBook, RefundEntries.Id(chargeId, n), cancellationToken).ConfigureAwait(false) is not { } entry)
            {
                return (n, steps);
            }

            steps.Add(entry);
        }
    }

    /// <summary>
    /// What of the invoice's overpayment in <paramref name="currency"/> the refunds of its charges return and no booked refund
    /// took from <c>credit:{payer}</c> yet, by the rule reconcile applies (<see cref="RefundsBeyondNotes"/>: credit notes explain
    /// a refund first, the overpayment next). Zero when a row it needs cannot be read: the refund then waits in
    /// <c>clearing:refunds</c>, where reconcile reports it.
    /// </summary>
    private async Task<long> OverpaymentLeftAsync(string invoiceId, string currency, CancellationToken cancellationToken)
    {
        try
        {
            var invoice = await invoices.GetAsync(InvoiceId.Parse(invoiceId), cancellationToken).ConfigureAwait(false);
            if (invoice is null)
            {
                return 0;
            }

            // Only what counts to the invoice: a payment Stripe refuted put no confirmed money there (PaymentUnconfirmed).
            var (state, _) = await payments.GetStateAsync(invoiceId, cancellationToken).ConfigureAwait(false);
            var paid = UnconfirmedPaymentFindings.Counted(
                new Dictionary<string, InvoicePayments>(StringComparer.Ordinal) { [invoiceId] = state },
                await payments.ListAsync(invoiceId, cancellationToken).ConfigureAwait(false))[invoiceId];
            var (notes, _) = await credits.GetStateAsync(invoiceId, cancellationToken).ConfigureAwait(false);
            long overpaid = Overpayment.Of(invoice, paid, notes).In(currency);
            if (overpaid == 0)
            {
                return 0;
            }

            long refunded = (await refunds.OfInvoiceAsync(invoiceId, cancellationToken).ConfigureAwait(false))
                .Where(r => r.Currency == currency).Sum(r => r.AmountRefundedMinor);
            string payerCredit = Accounts.CustomerCredit(invoice.Payer);
            long taken = (await ledger.IndexedAsync(LedgerEntries.MainBook, LedgerIndex.Invoice(invoiceId), cancellationToken).ConfigureAwait(false))
                .Where(e => e.Kind == LedgerEntryKind.PaymentRefunded)
                .SelectMany(e => e.Postings).Where(p => p.Account == payerCredit && p.Asset == currency).Sum(p => p.Amount);
            return Math.Max(0, Math.Min(overpaid, refunded - notes.RefundedMinor(currency)) - taken);
        }
        catch (InvalidDataException)
        {
            return 0;
        }
    }

    /// <summary>
    /// Cash the invoice's credit notes booked before 2026-12-06 took out of <c>cash:stripe</c> for refunds (they credited cash, not
    /// <c>clearing:refunds</c>; voids net) that no booked refund step of the invoice left out yet: the refunds' steps book only
    /// the rest, so the cash moves once. The notes' entries are read by their ids (a book of then has no index rows for them).
    /// A notes' row that cannot be read throws <see cref="InvalidDataException"/>: the cash is unknown, so nothing is booked.
    /// </summary>
    private async Task<long> CashOutBeforeAsync(string invoiceId, string currency, CancellationToken cancellationToken)
    {
        if (!Currency.TryFromCode(currency, out var code))
        {
            return 0;
        }

        string asset = Assets.Of(code);
        var (notes, _) = await credits.GetStateAsync(invoiceId, cancellationToken).ConfigureAwait(false);
        long outByNotes = 0;
        foreach (var note in notes.Notes.Values.Where(n => n.Applied))
        {
            foreach (string id in (string[])[CreditNoteEntries.IssuedId(note.CreditNoteId), CreditNoteEntries.VoidedId(note.CreditNoteId)])
            {
                outByNotes += CreditNoteEntries.CashOutOf(await ledger.GetAsync(LedgerEntries.MainBook, id, cancellationToken).ConfigureAwait(false), asset);
            }
        }

        if (outByNotes <= 0)
        {
            return 0;
        }

        long leftOut = (await ledger.IndexedAsync(LedgerEntries.MainBook, LedgerIndex.Invoice(invoiceId), cancellationToken).ConfigureAwait(false))
            .Where(e => e.Kind == LedgerEntryKind.PaymentRefunded && e.Metadata.GetValueOrDefault("currency") == asset)
            .Sum(RefundEntries.CashOutBeforeOf);
        return Math.Max(0, outByNotes - leftOut);
    }

    /// <summary>The invoice a refund row places its charge under, when it is an id of ours: the only one a step names (reconcile derives it the same way).</summary>
    internal static string? PlacedUnder(RefundRecord row) => row.InvoiceId is { } id && IsInvoiceId(id) ? id : null;

    /// <summary>Whether a refund row's invoice is an id of ours (a step names it only then; reconcile derives it so).</summary>
    private static bool IsInvoiceId(string id)
    {
        try
        {
            _ = InvoiceId.Parse(id);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

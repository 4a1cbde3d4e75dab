namespace Billing.Application.Ledger;

/// <summary>
/// The reconcile findings of one invoice against its payments, credit notes and burn (<see cref="LedgerAudit.ReconcileAsync"/>).
/// What is due counts the standing pre-payment credit notes (<see cref="InvoiceSettlement"/>, docs/design.md §4.16): an invoice
/// settled by cash plus such credit is not partially paid, and its burn is expected for the cash that was due. A genuinely short
/// payment is still <c>InvoicePartiallyPaid</c>; a pre-payment note voided after it settled the invoice is
/// <c>CreditNoteVoidReopened</c> (the invoice owes again; whatever was burned stays burned).
/// </summary>
internal static class InvoiceFindings
{
    /// <param name="invoice">The invoice.</param>
    /// <param name="burns">Its burn intents.</param>
    /// <param name="paid">Its payment records, or null when a row of its payments cannot be read (the derived checks are skipped).</param>
    /// <param name="state">What its payments brought in (null: nothing recorded).</param>
    /// <param name="credits">Its credit notes, or null when they cannot be read (the derived checks are skipped).</param>
    /// <param name="burnUnreadable">Its burn row exists but cannot be read.</param>
    /// <param name="booked">Whether a ledger entry id is booked.</param>
    /// <param name="now">The report's time.</param>
    public static IEnumerable<AuditProblem> For(
        Invoice invoice, IReadOnlyList<BurnIntent> burns, IReadOnlyList<PaymentRecord>? paid, InvoicePayments? state, InvoiceCredits? credits,
        bool burnUnreadable, Func<string, bool> booked, DateTimeOffset now)
    {
        string id = invoice.Id.ToString();
        bool isBooked = invoice.Status is InvoiceStatus.Finalized or InvoiceStatus.PartiallyPaid or InvoiceStatus.Paid;
        if (isBooked && LedgerEntries.InvoiceFinalized(invoice, now) is { } expected && !booked(expected.EntryId))
        {
            yield return new("InvoiceNotBooked", id, $"no ledger entry {expected.EntryId}");
        }

        long total = invoice.Total.MinorUnits;
        foreach (var burn in burns.Where(b => b.UsdMinor > total))
        {
            yield return new("BurnExceedsInvoice", burn.Id, $"burn converts {burn.UsdMinor} minor units, the invoice total is {total}");
        }

        if (credits is null)
        {
            yield break; // its credit notes cannot be read (reported as such): what is due is unknown
        }

        long prePayment = credits.PrePaymentCreditedMinor;
        bool everCredited = credits.HasPrePaymentCredit;
        long dueMinor = new InvoiceSettlement(total, 0, prePayment).DueMinor;
        if (paid is null)
        {
            // A payment row of the invoice cannot be read (reported as such): what was received is unknown.
            foreach (var burn in burns.Where(b => b.UsdMinor <= total && b.UsdMinor != dueMinor && b.ReleasedAt is null && !(everCredited && b.Status is BurnStatus.Pending or BurnStatus.Held)))
            {
                yield return new("BurnAmountMismatch", burn.Id, $"burn converts {burn.UsdMinor} minor units, {dueMinor} are due");
            }

            yield break;
        }

        var currency = invoice.Currency;
        long received = state?.ReceivedMinor ?? 0;
        var settlement = new InvoiceSettlement(total, received, prePayment);
        string due = prePayment > 0 ? $"{Amount(settlement.DueMinor, currency)} due ({Amount(total, currency)} less {Amount(prePayment, currency)} credited before payment)" : Amount(total, currency);
        var reopenedBy = credits.Notes.Values.Where(n => n.Applied && n.Voided && n.Amounts.PrePaymentMinor > 0).Select(n => n.CreditNoteId).Order(StringComparer.Ordinal).ToList();
        bool reopened = isBooked && !settlement.Settled && reopenedBy.Count > 0;

        foreach (var burn in burns.Where(b => b.UsdMinor <= total && b.UsdMinor != settlement.DueMinor && b.ReleasedAt is null && !reopened && !(everCredited && b.Status is BurnStatus.Pending or BurnStatus.Held)))
        {
            // An unsigned burn of an invoice with pre-payment credit is corrected by the executor before it is signed; a reopened
            // invoice's burn is named by CreditNoteVoidReopened; a released burn converts what finance decided (at most what was kept).
            yield return new("BurnAmountMismatch", burn.Id, $"burn converts {burn.UsdMinor} minor units; {due}");
        }

        bool paidByCredit = prePayment > 0 && settlement.DueMinor == 0;
        if (invoice.Status is InvoiceStatus.Paid or InvoiceStatus.PartiallyPaid && paid.Count == 0 && !paidByCredit)
        {
            yield return new("PaidWithoutPayment", id, $"invoice is {InvoiceJson.StatusName(invoice.Status)} but no Stripe payment is recorded");
        }

        if (paid.Any(p => p.Resolution is null))
        {
            yield return new("PaymentNotApplied", id, $"{paid.Count(p => p.Resolution is null)} payment(s) recorded without a decision; the invoice is {InvoiceJson.StatusName(invoice.Status)}");
        }

        if (isBooked && received > 0 && !settlement.Settled)
        {
            yield return new("InvoicePartiallyPaid", id, $"received {Amount(received, currency)} of {due}; {Amount(settlement.RemainingMinor, currency)} remaining; nothing burned until it is paid in full");
        }

        if (reopened)
        {
            string burnText = burns.Count == 0 ? "no burn exists"
                : string.Join(", ", burns.Select(b => $"burn {b.Id} of {b.UsdMinor} minor units is {b.Status.ToString().ToLowerInvariant()}"));
            yield return new("CreditNoteVoidReopened", id,
                $"pre-payment credit notes {string.Join(", ", reopenedBy)} were voided: the invoice owes {Amount(settlement.RemainingMinor, currency)} again "
                + $"(received {Amount(received, currency)} of {due}); {burnText}; what was burned stays burned, an unsigned burn waits until the invoice is paid");
        }

        if (isBooked && received > Math.Max(total, 0))
        {
            yield return new("CustomerCredit", id, $"received {Amount(received, currency)} for a total of {Amount(total, currency)}; {Amount(received - Math.Max(total, 0), currency)} booked to {Accounts.CustomerCredit(invoice.Payer)} (refund or apply it); only the total is burned");
        }

        var expectedStatus = !isBooked ? invoice.Status
            : settlement.Settled && (received > 0 || prePayment > 0 || state?.CompletedBy is not null) ? InvoiceStatus.Paid
            : received > 0 ? InvoiceStatus.PartiallyPaid
            : InvoiceStatus.Finalized;
        if (isBooked && expectedStatus != invoice.Status && (paid.Count > 0 || invoice.Status != InvoiceStatus.Paid || everCredited))
        {
            yield return new("InvoiceStatusMismatch", id, $"invoice is {InvoiceJson.StatusName(invoice.Status)}, its payments ({Amount(received, currency)} of {due}) make it {InvoiceJson.StatusName(expectedStatus)}");
        }

        if (expectedStatus == InvoiceStatus.Paid && settlement.BurnableMinor > 0 && paid.Count > 0 && burns.Count == 0 && !burnUnreadable)
        {
            yield return new("PaidWithoutBurn", id, "paid in full but no burn intent exists");
        }

        if (burns.Count > 0 && expectedStatus != InvoiceStatus.Paid && !reopened)
        {
            yield return new("BurnBeforePaid", id, $"a burn intent exists but only {Amount(received, currency)} of {due} was received");
        }
    }

    private static string Amount(long minor, Currency currency) => $"{new Money(minor, currency)} {currency.Code}";
}

namespace Billing.Application.Ledger;

/// <summary>
/// Reconcile's comparison of refund entries (<see cref="RefundEntries"/>, <c>refund:{charge}:{n}</c>) with their charges' refund
/// rows (<see cref="EntryFindings"/>). The row keeps only the largest total Stripe reported, so each step is derived from it
/// and the steps before it in the book: the total it claims (at most the row's; above it, <c>RefundRowMissing</c> reports the
/// entry), what it adds beyond the step it counts from, the row's currency, invoice, customer and, for the step at the row's
/// total, the row's event; its cash less what an older credit note of the invoice took out of cash already, and the part it
/// takes from the payer's credit no more than the invoice's entries put there (payments Stripe refuted not counted).
/// A step is one of the chain that leads from the latest step the row's total reaches back to 0, each counting from the one
/// before (<see cref="RefundEntries.BaseOf"/>): one off that chain booked cash no total of Stripe's explains.
/// </summary>
internal sealed class RefundEntryFindings
{
    private readonly List<LedgerEntry> book;
    private readonly EntrySources records;
    private readonly Dictionary<string, List<LedgerEntry>> stepsOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> chains = new(StringComparer.Ordinal);

    /// <param name="book">The linked book's readable entries, in sequence order.</param>
    /// <param name="records">The records reconcile read.</param>
    public RefundEntryFindings(List<LedgerEntry> book, EntrySources records)
    {
        this.book = book;
        this.records = records;
        foreach (var entry in book.Where(e => e.Kind == LedgerEntryKind.PaymentRefunded))
        {
            if (RefundEntries.StepOf(entry.EntryId) is var (charge, _))
            {
                (stepsOf.TryGetValue(charge, out var list) ? list : stepsOf[charge] = []).Add(entry);
            }
        }
    }

    /// <summary>The finding of one refund entry; null when it is what its row makes, or another finding reports it.</summary>
    public AuditProblem? Of(LedgerEntry entry)
    {
        if (RefundEntries.StepOf(entry.EntryId) is not var (charge, number))
        {
            return EntryFindings.NoSource(entry, "its id names no refund step of a charge");
        }

        long? amount = RefundEntries.AmountRefundedOf(entry);

        // What BookedRowMissing compares (RefundRowMissing): not reported twice.
        bool rowMissingReports = amount is not null && Meta(entry, "chargeId") == charge;
        if (records.UnreadableRefunds.Contains(charge))
        {
            return null;
        }

        if (!records.Refunds.TryGetValue(charge, out var row))
        {
            return rowMissingReports ? null : EntryFindings.NoSource(entry, $"no refund of charge {charge} is recorded");
        }

        if (amount > row.AmountRefundedMinor && rowMissingReports)
        {
            return null;
        }

        string? placed = Payments.RefundBookings.PlacedUnder(row);
        if (amount is not null && !RefundEntries.IsUnderRow(entry, placed, row.StripeCustomerId))
        {
            return new(EntryFindings.Mismatch, entry.EntryId, string.Create(CultureInfo.InvariantCulture,
                $"{entry.Kind} #{entry.Sequence}: step {number} of charge {charge} is indexed under {LedgerIndex.SubjectOf(entry.Kind, entry.Metadata) ?? "no subject"}, but its refund row places the charge under {(placed is null ? "no invoice" : "invoice " + placed)} and names {(row.StripeCustomerId is null ? "no customer" : "customer " + row.StripeCustomerId)}: the platform books a step under the row's invoice, or its customer while it has none, so the {RefundEntries.RefundedOf(entry)} minor units it booked are hidden from the burn holds of the charge's invoice and the next step does not count from it; the entry is hash-chained, so it was planted or rewritten (with its chain)"));
        }

        if (amount is not null && !ChainOf(charge, row).Contains(entry.EntryId))
        {
            return new(EntryFindings.Mismatch, entry.EntryId, string.Create(CultureInfo.InvariantCulture,
                $"{entry.Kind} #{entry.Sequence}: step {number} of charge {charge} is off the chain of its steps (the latest step the refund row's total of {row.AmountRefundedMinor} reaches does not count from it), so the {RefundEntries.RefundedOf(entry)} minor units it booked are no part of what Stripe refunded; the entry is hash-chained, so it was planted or rewritten (with its chain)"));
        }

        return EntryFindings.Compare(entry, "the refund row", () => Expected(entry, charge, number, amount ?? row.AmountRefundedMinor, row));
    }

    private LedgerEntryDraft? Expected(LedgerEntry entry, string charge, int number, long claimed, RefundRecord row)
    {
        var earlier = stepsOf[charge].Where(e => RefundEntries.StepOf(e.EntryId)!.Value.Number < number).ToList();
        long stepBase = RefundEntries.RefundedOf(entry) is { } refunded && (claimed == refunded || earlier.Any(e => RefundEntries.AmountRefundedOf(e) == claimed - refunded))
            ? claimed - refunded
            : RefundEntries.BaseOf(earlier, row.AmountRefundedMinor, Payments.RefundBookings.PlacedUnder(row), row.StripeCustomerId);

        // Placed later, a step booked before keeps no invoice; the customer is the row's once named.
        string? invoiceId = entry.Metadata.ContainsKey("invoiceId") ? Payments.RefundBookings.PlacedUnder(row) : null;
        string? customer = entry.Metadata.ContainsKey("stripeCustomerId") ? row.StripeCustomerId : null;
        string eventId = claimed == row.AmountRefundedMinor ? row.EventId : Meta(entry, "stripeEventId") ?? row.EventId;
        var step = new RefundBooking(charge, number, claimed, claimed - stepBase, row.Currency, eventId, invoiceId, customer);
        string asset = Currency.TryFromCode(row.Currency, out var code) ? Assets.Of(code) : row.Currency;
        if (invoiceId is null)
        {
            return RefundEntries.Refunded(step, 0, entry.OccurredAt);
        }

        string payerCredit = Accounts.CustomerCredit(InvoiceId.Parse(invoiceId).Payer);
        long toCredit = entry.Postings.Where(p => p.Account == payerCredit && p.Asset == asset).Sum(p => p.Amount);
        long outBefore = RefundEntries.CashOutBeforeOf(entry);
        var before = book.Where(e => e.Sequence < entry.Sequence && Meta(e, "invoiceId") == invoiceId).ToList();
        return RefundEntries.Refunded(step, Math.Clamp(toCredit, 0, CreditLeft(before, payerCredit, asset)), entry.OccurredAt,
            Math.Clamp(outBefore, 0, CashOutLeft(before, asset)));
    }

    /// <summary>What the invoice's entries before a step left in the payer's credit (a payment Stripe refuted puts nothing there).</summary>
    private long CreditLeft(List<LedgerEntry> before, string payerCredit, string asset)
    {
        long left = -before
            .Where(e => !(e.Kind == LedgerEntryKind.PaymentReceived && EntryFindings.SourceId(e) is { } evt
                && records.Payments.TryGetValue(evt, out var payment) && payment.StripeRefutation is not null))
            .SelectMany(e => e.Postings).Where(p => p.Account == payerCredit && p.Asset == asset).Sum(p => p.Amount);
        return Math.Max(0, left);
    }

    /// <summary>Cash the invoice's credit notes booked before 2026-12-06 took out of cash:stripe that no refund step before left out yet.</summary>
    private static long CashOutLeft(List<LedgerEntry> before, string asset)
    {
        long outByNotes = before.Where(e => e.Kind is LedgerEntryKind.CreditNoteIssued or LedgerEntryKind.CreditNoteVoided).Sum(e => CreditNoteEntries.CashOutOf(e, asset));
        long leftOut = before.Where(e => e.Kind == LedgerEntryKind.PaymentRefunded && Meta(e, "currency") == asset).Sum(RefundEntries.CashOutBeforeOf);
        return Math.Max(0, outByNotes - leftOut);
    }

    /// <summary>The ids of the charge's steps on the chain from the latest one the row's total reaches, back to 0.</summary>
    private HashSet<string> ChainOf(string charge, RefundRecord row)
    {
        if (chains.TryGetValue(charge, out var chain))
        {
            return chain;
        }

        // From the step the next booking counts from (RefundEntries.BaseOf); a step counts from one under the row's subjects
        // when two claim its base (a book written before steps under no subject were passed over may count from one).
        chain = new HashSet<string>(StringComparer.Ordinal);
        string? placed = Payments.RefundBookings.PlacedUnder(row);
        var steps = stepsOf[charge]
            .Select(e => (Entry: e, Number: RefundEntries.StepOf(e.EntryId)!.Value.Number, Amount: RefundEntries.AmountRefundedOf(e), Under: RefundEntries.IsUnderRow(e, placed, row.StripeCustomerId)))
            .Where(s => s.Amount is not null).OrderByDescending(s => s.Under).ThenByDescending(s => s.Number).ToList();
        var current = steps.Where(s => s.Under).FirstOrDefault(s => s.Amount <= row.AmountRefundedMinor);
        while (current.Entry is not null && chain.Add(current.Entry.EntryId))
        {
            long stepBase = current.Amount!.Value - (RefundEntries.RefundedOf(current.Entry) ?? current.Amount.Value);
            current = stepBase <= 0 ? default : steps.FirstOrDefault(s => s.Number < current.Number && s.Amount == stepBase);
        }

        chains[charge] = chain;
        return chain;
    }

    private static string? Meta(LedgerEntry entry, string key) => entry.Metadata.TryGetValue(key, out string? value) ? value : null;
}

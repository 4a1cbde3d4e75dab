namespace Billing.Application.Ledger;

/// <summary>The records reconcile read, indexed by what an entry's id names (<see cref="EntryFindings"/>), and the ones it could not read.</summary>
internal sealed class EntrySources
{
    /// <param name="invoices">Invoices by id.</param>
    /// <param name="unreadableInvoices">Ids of invoice rows that cannot be read.</param>
    /// <param name="payments">Every payment record.</param>
    /// <param name="unreadablePayments">Payment rows that cannot be read.</param>
    /// <param name="paymentsUnknown">Invoices a payment row or state of which cannot be read.</param>
    /// <param name="burns">Every burn row.</param>
    /// <param name="unreadableBurns">Ids of burn rows that cannot be read.</param>
    /// <param name="credits">Every invoice's credit notes.</param>
    /// <param name="creditsUnknown">Invoices whose credit notes cannot be read.</param>
    /// <param name="refunds">Every charge's refund row (none: refund entries are compared with nothing).</param>
    /// <param name="unreadableRefunds">Refund rows that cannot be read.</param>
    public EntrySources(
        IReadOnlyDictionary<string, Invoice> invoices, IReadOnlySet<string> unreadableInvoices,
        IEnumerable<PaymentRecord> payments, IEnumerable<UnreadableRow> unreadablePayments, IReadOnlySet<string> paymentsUnknown,
        IEnumerable<BurnIntent> burns, IReadOnlySet<string> unreadableBurns,
        IEnumerable<KeyValuePair<string, InvoiceCredits>> credits, IReadOnlySet<string> creditsUnknown,
        IEnumerable<RefundRecord>? refunds = null, IEnumerable<UnreadableRow>? unreadableRefunds = null)
    {
        Refunds = (refunds ?? []).GroupBy(r => r.ChargeId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        UnreadableRefunds = (unreadableRefunds ?? []).Select(u => u.Id).ToHashSet(StringComparer.Ordinal);
        Invoices = invoices;
        UnreadableInvoices = unreadableInvoices;
        Payments = payments.GroupBy(p => p.StripeEventId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        UnreadablePayments = unreadablePayments.Select(u => u.Id).ToHashSet(StringComparer.Ordinal);
        PaymentsUnknown = paymentsUnknown;
        Burns = burns.Select(b => b.Id).ToHashSet(StringComparer.Ordinal);
        UnreadableBurns = unreadableBurns;
        CreditNotes = credits
            .SelectMany(c => c.Value.Notes.Values.Select(n => (InvoiceId: c.Key, Note: n)))
            .GroupBy(c => c.Note.CreditNoteId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        CreditsUnknown = creditsUnknown;
    }

    /// <summary>One record read on its own (none unreadable): what a second look at one entry's record found.</summary>
    public static EntrySources Of(Invoice? invoice = null, PaymentRecord? payment = null, BurnIntent? burn = null)
    {
        var none = new HashSet<string>(StringComparer.Ordinal);
        var invoices = new Dictionary<string, Invoice>(StringComparer.Ordinal);
        if (invoice is not null)
        {
            invoices[invoice.Id.ToString()] = invoice;
        }

        return new EntrySources(invoices, none, payment is null ? [] : [payment], [], none, burn is null ? [] : [burn], none, [], none);
    }

    public IReadOnlyDictionary<string, Invoice> Invoices { get; }

    public IReadOnlySet<string> UnreadableInvoices { get; }

    /// <summary>Payment records by Stripe event id (one entry per event).</summary>
    public IReadOnlyDictionary<string, PaymentRecord> Payments { get; }

    /// <summary>Stripe event ids of payment rows that cannot be read.</summary>
    public IReadOnlySet<string> UnreadablePayments { get; }

    public IReadOnlySet<string> PaymentsUnknown { get; }

    /// <summary>Ids of the burn rows read.</summary>
    public IReadOnlySet<string> Burns { get; }

    public IReadOnlySet<string> UnreadableBurns { get; }

    /// <summary>Credit notes by id, with the invoice they are recorded under.</summary>
    public IReadOnlyDictionary<string, (string InvoiceId, CreditNoteEntry Note)> CreditNotes { get; }

    public IReadOnlySet<string> CreditsUnknown { get; }

    /// <summary>Refund rows by charge id.</summary>
    public IReadOnlyDictionary<string, RefundRecord> Refunds { get; }

    /// <summary>Charge ids of refund rows that cannot be read.</summary>
    public IReadOnlySet<string> UnreadableRefunds { get; }
}

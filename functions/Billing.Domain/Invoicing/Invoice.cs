namespace Billing.Domain.Invoicing;

/// <summary>
/// An invoice of one payer for one billing period. Immutable: state changes return a new instance.
/// <see cref="Total"/> is always the sum of the (already rounded) line amounts.
/// </summary>
public sealed class Invoice
{
    public Invoice(
        InvoiceId id,
        string planId,
        InvoiceStatus status,
        Currency currency,
        IEnumerable<InvoiceLine> lines,
        string? stripeInvoiceId = null,
        long amountPaidMinor = 0,
        long prePaymentCreditedMinor = 0,
        IReadOnlyDictionary<string, Int128>? ratedUsage = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(planId);
        ArgumentNullException.ThrowIfNull(currency);
        ArgumentNullException.ThrowIfNull(lines);
        if (id.Payer is null)
        {
            throw new ArgumentException("The invoice id is empty.", nameof(id));
        }

        if (!Enum.IsDefined(status))
        {
            throw new ArgumentOutOfRangeException(nameof(status));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(amountPaidMinor);
        ArgumentOutOfRangeException.ThrowIfNegative(prePaymentCreditedMinor);

        InvoiceLine[] list = [.. lines];
        Money total = Money.Zero(currency);
        Money charges = Money.Zero(currency);
        foreach (InvoiceLine line in list)
        {
            if (line.Amount.Currency != currency)
            {
                throw new CurrencyMismatchException(currency, line.Amount.Currency);
            }

            total += line.Amount;
            if (line.Kind != InvoiceLineKind.PriorPeriodAdjustment)
            {
                charges += line.Amount;
            }
        }

        Id = id;
        PlanId = planId;
        Status = status;
        Currency = currency;
        Lines = Array.AsReadOnly(list);
        Total = total;
        PeriodCharges = charges;
        StripeInvoiceId = stripeInvoiceId;
        AmountPaid = new Money(amountPaidMinor, currency);
        PrePaymentCredited = new Money(prePaymentCreditedMinor, currency);
        RatedUsage = ratedUsage is null || ratedUsage.Count == 0
            ? NoUsage
            : new ReadOnlyDictionary<string, Int128>(new SortedDictionary<string, Int128>(ratedUsage.ToDictionary(StringComparer.Ordinal), StringComparer.Ordinal));
    }

    private static readonly IReadOnlyDictionary<string, Int128> NoUsage = new ReadOnlyDictionary<string, Int128>(new Dictionary<string, Int128>());

    public InvoiceId Id { get; }

    public string Payer => Id.Payer;

    public BillingPeriod Period => Id.Period;

    public string PlanId { get; }

    public InvoiceStatus Status { get; }

    public Currency Currency { get; }

    public IReadOnlyList<InvoiceLine> Lines { get; }

    /// <summary>Sum of all line amounts.</summary>
    public Money Total { get; }

    /// <summary>Total of this period's own charges: all lines except prior-period adjustments.</summary>
    public Money PeriodCharges { get; }

    public string? StripeInvoiceId { get; }

    /// <summary>Money received in the invoice's currency (may exceed <see cref="Total"/>: the excess is a customer credit).</summary>
    public Money AmountPaid { get; }

    /// <summary>
    /// What standing Stripe credit notes took off the amount due before payment (docs/design.md §4.16): the payments need not
    /// bring it in. Zero unless such a note was applied.
    /// </summary>
    public Money PrePaymentCredited { get; }

    /// <summary>
    /// The usage each priced meter's lines were rated from when the invoice was made (the sum over its groups, before unit
    /// conversion, e.g. offload bytes), so a document shows what was billed, not what the rollups hold after late usage.
    /// Empty for invoices made before it was kept, and for lines not rated from usage. Keys in ordinal order.
    /// </summary>
    public IReadOnlyDictionary<string, Int128> RatedUsage { get; }

    /// <summary>What is still owed: total minus pre-payment credit minus amount paid, never below zero.</summary>
    public Money AmountRemaining => new(Settlement(AmountPaid.MinorUnits, PrePaymentCredited.MinorUnits).RemainingMinor, Currency);

    /// <summary>Draft → finalized; otherwise throws <see cref="InvalidOperationException"/>.</summary>
    public Invoice Finalize() => Transition(InvoiceStatus.Finalized, InvoiceStatus.Draft);

    /// <summary>Finalized → paid with the total received; otherwise throws <see cref="InvalidOperationException"/>.</summary>
    public Invoice MarkPaid() => Status == InvoiceStatus.Finalized
        ? ApplyPayments(Math.Max(Total.MinorUnits, 0))
        : throw new InvalidOperationException($"Invoice {Id} is {Status}; it cannot become {InvoiceStatus.Paid}.");

    /// <summary>
    /// Records that <paramref name="receivedMinor"/> (cumulative, in the invoice's currency) has been received, with the
    /// pre-payment credit unchanged (see <see cref="Settle"/>). Forward only; draft or void invoices throw.
    /// </summary>
    public Invoice ApplyPayments(long receivedMinor) => Settle(receivedMinor, PrePaymentCredited.MinorUnits);

    /// <summary>
    /// The status the money makes (docs/design.md §4.16): paid when the cash received (cumulative, never lowered: a smaller
    /// amount than recorded changes nothing) plus the standing pre-payment credit covers the total, partially paid when cash
    /// is positive but short, finalized when no cash arrived. A paid invoice moves back only when its pre-payment credit
    /// went down (a credit note voided): it owes again and is never silently left paid. Draft or void invoices throw.
    /// </summary>
    public Invoice Settle(long receivedMinor, long prePaymentCreditedMinor)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(receivedMinor);
        ArgumentOutOfRangeException.ThrowIfNegative(prePaymentCreditedMinor);
        if (Status is not (InvoiceStatus.Finalized or InvoiceStatus.PartiallyPaid or InvoiceStatus.Paid))
        {
            throw new InvalidOperationException($"Invoice {Id} is {Status}; payments cannot be applied to it.");
        }

        long received = Math.Max(receivedMinor, AmountPaid.MinorUnits);
        InvoiceStatus status = Settlement(received, prePaymentCreditedMinor).Settled ? InvoiceStatus.Paid
            : received > 0 ? InvoiceStatus.PartiallyPaid
            : InvoiceStatus.Finalized;
        if (Status == InvoiceStatus.Paid && prePaymentCreditedMinor >= PrePaymentCredited.MinorUnits)
        {
            status = InvoiceStatus.Paid; // only a credit that went away reopens a paid invoice (older rows may lack amountPaid)
        }

        return status == Status && received == AmountPaid.MinorUnits && prePaymentCreditedMinor == PrePaymentCredited.MinorUnits
            ? this
            : new Invoice(Id, PlanId, status, Currency, Lines, StripeInvoiceId, received, prePaymentCreditedMinor, RatedUsage);
    }

    /// <summary>Draft or finalized → void; otherwise throws <see cref="InvalidOperationException"/>.</summary>
    public Invoice Void() => Transition(InvoiceStatus.Void, InvoiceStatus.Draft, InvoiceStatus.Finalized);

    public Invoice WithStripeInvoiceId(string? stripeInvoiceId) => new(Id, PlanId, Status, Currency, Lines, stripeInvoiceId, AmountPaid.MinorUnits, PrePaymentCredited.MinorUnits, RatedUsage);

    /// <summary>A new draft with the next revision id (<c>-r{n}</c>) and the given lines, e.g. after voiding this one.</summary>
    public Invoice Reissue(IEnumerable<InvoiceLine> lines) => new(Id.NextRevision(), PlanId, InvoiceStatus.Draft, Currency, lines);

    public override string ToString() => $"{Id} {Status} {Total} {Currency}";

    private InvoiceSettlement Settlement(long receivedMinor, long prePaymentCreditedMinor) => new(Total.MinorUnits, receivedMinor, prePaymentCreditedMinor);

    private Invoice Transition(InvoiceStatus to, params InvoiceStatus[] from) =>
        from.Contains(Status)
            ? new Invoice(Id, PlanId, to, Currency, Lines, StripeInvoiceId, AmountPaid.MinorUnits, PrePaymentCredited.MinorUnits, RatedUsage)
            : throw new InvalidOperationException($"Invoice {Id} is {Status}; it cannot become {to}.");
}

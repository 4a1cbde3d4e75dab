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
        long amountPaidMinor = 0)
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
    }

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

    /// <summary>What is still owed: total minus amount paid, never below zero.</summary>
    public Money AmountRemaining => Total.MinorUnits > AmountPaid.MinorUnits ? Total - AmountPaid : Money.Zero(Currency);

    /// <summary>Draft → finalized; otherwise throws <see cref="InvalidOperationException"/>.</summary>
    public Invoice Finalize() => Transition(InvoiceStatus.Finalized, InvoiceStatus.Draft);

    /// <summary>Finalized → paid with the total received; otherwise throws <see cref="InvalidOperationException"/>.</summary>
    public Invoice MarkPaid() => Status == InvoiceStatus.Finalized
        ? ApplyPayments(Math.Max(Total.MinorUnits, 0))
        : throw new InvalidOperationException($"Invoice {Id} is {Status}; it cannot become {InvoiceStatus.Paid}.");

    /// <summary>
    /// Records that <paramref name="receivedMinor"/> (cumulative, in the invoice's currency) has been received: paid when it
    /// covers the total, partially paid when it is positive but short. Forward only: a finalized or partially paid invoice
    /// moves on, a smaller amount than already recorded changes nothing, and draft or void invoices throw.
    /// </summary>
    public Invoice ApplyPayments(long receivedMinor)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(receivedMinor);
        if (Status is not (InvoiceStatus.Finalized or InvoiceStatus.PartiallyPaid or InvoiceStatus.Paid))
        {
            throw new InvalidOperationException($"Invoice {Id} is {Status}; payments cannot be applied to it.");
        }

        long received = Math.Max(receivedMinor, AmountPaid.MinorUnits);
        InvoiceStatus status = received >= Math.Max(Total.MinorUnits, 0) ? InvoiceStatus.Paid
            : received > 0 ? InvoiceStatus.PartiallyPaid
            : Status;
        if (Status == InvoiceStatus.Paid)
        {
            status = InvoiceStatus.Paid;
        }

        return status == Status && received == AmountPaid.MinorUnits
            ? this
            : new Invoice(Id, PlanId, status, Currency, Lines, StripeInvoiceId, received);
    }

    /// <summary>Draft or finalized → void; otherwise throws <see cref="InvalidOperationException"/>.</summary>
    public Invoice Void() => Transition(InvoiceStatus.Void, InvoiceStatus.Draft, InvoiceStatus.Finalized);

    public Invoice WithStripeInvoiceId(string? stripeInvoiceId) => new(Id, PlanId, Status, Currency, Lines, stripeInvoiceId, AmountPaid.MinorUnits);

    /// <summary>A new draft with the next revision id (<c>-r{n}</c>) and the given lines, e.g. after voiding this one.</summary>
    public Invoice Reissue(IEnumerable<InvoiceLine> lines) => new(Id.NextRevision(), PlanId, InvoiceStatus.Draft, Currency, lines);

    public override string ToString() => $"{Id} {Status} {Total} {Currency}";

    private Invoice Transition(InvoiceStatus to, params InvoiceStatus[] from) =>
        from.Contains(Status)
            ? new Invoice(Id, PlanId, to, Currency, Lines, StripeInvoiceId, AmountPaid.MinorUnits)
            : throw new InvalidOperationException($"Invoice {Id} is {Status}; it cannot become {to}.");
}

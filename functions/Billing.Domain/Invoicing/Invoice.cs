namespace Billing.Domain.Invoicing;

/// <summary>Invoice lifecycle: draft → finalized → paid; draft or finalized → void.</summary>
public enum InvoiceStatus
{
    Draft,
    Finalized,
    Paid,
    Void,
}

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
        string? stripeInvoiceId = null)
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

    /// <summary>Draft → finalized; otherwise throws <see cref="InvalidOperationException"/>.</summary>
    public Invoice Finalize() => Transition(InvoiceStatus.Finalized, InvoiceStatus.Draft);

    /// <summary>Finalized → paid; otherwise throws <see cref="InvalidOperationException"/>.</summary>
    public Invoice MarkPaid() => Transition(InvoiceStatus.Paid, InvoiceStatus.Finalized);

    /// <summary>Draft or finalized → void; otherwise throws <see cref="InvalidOperationException"/>.</summary>
    public Invoice Void() => Transition(InvoiceStatus.Void, InvoiceStatus.Draft, InvoiceStatus.Finalized);

    public Invoice WithStripeInvoiceId(string? stripeInvoiceId) => new(Id, PlanId, Status, Currency, Lines, stripeInvoiceId);

    /// <summary>A new draft with the next revision id (<c>-r{n}</c>) and the given lines, e.g. after voiding this one.</summary>
    public Invoice Reissue(IEnumerable<InvoiceLine> lines) => new(Id.NextRevision(), PlanId, InvoiceStatus.Draft, Currency, lines);

    public override string ToString() => $"{Id} {Status} {Total} {Currency}";

    private Invoice Transition(InvoiceStatus to, params InvoiceStatus[] from) =>
        from.Contains(Status)
            ? new Invoice(Id, PlanId, to, Currency, Lines, StripeInvoiceId)
            : throw new InvalidOperationException($"Invoice {Id} is {Status}; it cannot become {to}.");
}

namespace Billing.Domain.Credits;

/// <summary>Every credit note recorded against one invoice, by Stripe credit note id.</summary>
public sealed record InvoiceCredits(IReadOnlyDictionary<string, CreditNoteEntry> Notes)
{
    public static InvoiceCredits Empty { get; } = new(new Dictionary<string, CreditNoteEntry>(StringComparer.Ordinal));

    /// <summary>Applied, standing notes: what the invoice is credited, in its currency.</summary>
    public long CreditedMinor => Standing(applied: true).Aggregate(0L, (sum, n) => checked(sum + n.AmountMinor));

    /// <summary>The post-payment part of <see cref="CreditedMinor"/>: money that went or is owed back after payment.</summary>
    public long PostPaymentCreditedMinor => Standing(applied: true).Aggregate(0L, (sum, n) => checked(sum + n.PostPaymentMinor));

    /// <summary>
    /// True while any credit note stands against the invoice, applied or not: money may have gone back, so the invoice's burn
    /// waits (docs/design.md §4.15).
    /// </summary>
    public bool HoldsBurn => Notes.Values.Any(n => !n.Voided);

    private IEnumerable<CreditNoteEntry> Standing(bool applied) => Notes.Values.Where(n => !n.Voided && n.Applied == applied);
}

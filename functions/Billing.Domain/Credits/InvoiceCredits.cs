namespace Billing.Domain.Credits;

/// <summary>Every credit note recorded against one invoice, by Stripe credit note id.</summary>
public sealed record InvoiceCredits(IReadOnlyDictionary<string, CreditNoteEntry> Notes)
{
    public static InvoiceCredits Empty { get; } = new(new Dictionary<string, CreditNoteEntry>(StringComparer.Ordinal));

    /// <summary>Applied, standing notes: what the invoice is credited, in its currency.</summary>
    public long CreditedMinor => Standing(applied: true).Aggregate(0L, (sum, n) => checked(sum + n.Amounts.AmountMinor));

    /// <summary>The post-payment part of <see cref="CreditedMinor"/>: money that went or is owed back after payment.</summary>
    public long PostPaymentCreditedMinor => Standing(applied: true).Aggregate(0L, (sum, n) => checked(sum + n.Amounts.PostPaymentMinor));

    /// <summary>
    /// The pre-payment part of <see cref="CreditedMinor"/>: what Stripe took off the amount due, so the payments need not bring it
    /// in (docs/design.md §4.16).
    /// </summary>
    public long PrePaymentCreditedMinor => Standing(applied: true).Aggregate(0L, (sum, n) => checked(sum + n.Amounts.PrePaymentMinor));

    /// <summary>
    /// True while a credit note that may have sent money back stands against the invoice: one with a post-payment part, or one
    /// recorded unapplied (what it means for the invoice is unknown). Its burn then waits (docs/design.md §4.15). An applied
    /// note that only took money off the amount due does not hold: the settled amount, and so the burn, already leaves it out
    /// (§4.16).
    /// </summary>
    public bool HoldsBurn => HoldingNotes.Any();

    /// <summary>The notes that make <see cref="HoldsBurn"/> true.</summary>
    public IEnumerable<CreditNoteEntry> HoldingNotes => Notes.Values.Where(n => !n.Voided && (!n.Applied || n.Amounts.PostPaymentMinor > 0));

    /// <summary>
    /// True when an applied note ever took money off the amount due, standing or voided: the invoice's burn must then match
    /// what its settlement allows right before it is signed (a void may have made the invoice owe again).
    /// </summary>
    public bool HasPrePaymentCredit => Notes.Values.Any(n => n.Applied && n.Amounts.PrePaymentMinor > 0);

    /// <summary>
    /// What the notes in <paramref name="currency"/> refunded through Stripe, applied or not and voided ones too: a void does
    /// not return a refund. What Stripe refunded on the invoice's charges beyond it went back outside any credit note.
    /// </summary>
    public long RefundedMinor(string currency) =>
        Notes.Values.Where(n => n.Currency == currency).Aggregate(0L, (sum, n) => checked(sum + n.Amounts.RefundedMinor));

    private IEnumerable<CreditNoteEntry> Standing(bool applied) => Notes.Values.Where(n => !n.Voided && n.Applied == applied);
}

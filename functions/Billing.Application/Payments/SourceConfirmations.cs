namespace Billing.Application.Payments;

/// <summary>Stripe's answer per Stripe invoice that paid one of our invoices (<see cref="PaymentConfirmation"/>; a row naming no Stripe invoice under the empty id).</summary>
internal sealed record SourceConfirmations(IReadOnlyDictionary<string, StripeConfirmation> BySource)
{
    /// <summary>The first source Stripe could not be asked about, if any: then nothing may be decided yet.</summary>
    public (string Source, StripeConfirmation.Unreachable Answer)? Unreachable =>
        BySource.Where(kv => kv.Value is StripeConfirmation.Unreachable).Select(kv => ((string, StripeConfirmation.Unreachable)?)(kv.Key, (StripeConfirmation.Unreachable)kv.Value)).FirstOrDefault();

    /// <summary>The sources Stripe refutes, by id.</summary>
    public IEnumerable<(string Source, StripeConfirmation.Refuted Answer)> Refuted =>
        BySource.Where(kv => kv.Value is StripeConfirmation.Refuted).Select(kv => (kv.Key, (StripeConfirmation.Refuted)kv.Value));

    /// <summary>Whether a refutation may be our own misconfiguration (<see cref="StripeConfirmation.Refuted.MayBeOurConfiguration"/>): ask again next run.</summary>
    public bool AskAgain => Refuted.Any(r => r.Answer.MayBeOurConfiguration);

    /// <summary>Whether no secret key let Stripe be asked (a deployment without one).</summary>
    public bool NoKey => BySource.Values.Any(a => a is StripeConfirmation.NoKey);

    /// <summary>Stripe's refutation of the Stripe invoice <paramref name="payment"/> names, or null.</summary>
    public StripeConfirmation.Refuted? RefutationOf(PaymentRecord payment) =>
        BySource.GetValueOrDefault(payment.StripeInvoiceId ?? "") as StripeConfirmation.Refuted;

    /// <summary><paramref name="state"/> without the sources Stripe refutes: what counts as received.</summary>
    public InvoicePayments Counted(InvoicePayments state) =>
        state with { Sources = state.Sources.Where(s => BySource.GetValueOrDefault(s.Key) is not StripeConfirmation.Refuted).ToDictionary(StringComparer.Ordinal) };

    /// <summary>The charges Stripe reported behind the confirmed sources (asked before a burn; none otherwise).</summary>
    public IEnumerable<StripeCharge> Charges =>
        BySource.Values.OfType<StripeConfirmation.Confirmed>().SelectMany(c => c.Charges);
}

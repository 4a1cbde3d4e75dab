namespace Billing.Application.Payments;

/// <summary>
/// Stripe's word on the Stripe invoices that paid one of our invoices (<see cref="StripeInvoiceConfirmation"/>), asked before a
/// payment is booked as cash (<see cref="PaymentProcessor"/>) and again right before its burn is signed (<see cref="BurnExecutor"/>):
/// the payment rows alone can be planted by anyone with write access to storage. Every applied source is asked, for the most
/// any row says it paid. Without a secret key nothing can be asked: against tables on this machine (the local demo, the
/// tests) payments proceed unconfirmed, said once per process; elsewhere every source answers
/// <see cref="StripeConfirmation.NoKey"/>, on which the settlement books (the invoice shows paid) but the executor holds the
/// burn (README "Stripe confirmation").
/// </summary>
public sealed partial class PaymentConfirmation(StripeInvoiceConfirmation stripe, InvoiceStore invoices, IOptions<StorageOptions> storage, ILogger<PaymentConfirmation> logger)
{
    private int toldUnconfirmed; // 1 once the "proceeding unconfirmed" line was logged

    /// <summary>
    /// Stripe's answer for each Stripe invoice the <paramref name="state"/>'s applied sources and the <paramref name="applied"/>
    /// payment rows name (a row naming none under the empty id: refuted), against <paramref name="invoiceId"/> in
    /// <paramref name="currency"/>. With <paramref name="withCharges"/> (before a burn) a confirmation carries the charges that
    /// paid each Stripe invoice (<see cref="StripeConfirmation.Confirmed.Charges"/>).
    /// </summary>
    internal async Task<SourceConfirmations> ConfirmAsync(string invoiceId, string currency, InvoicePayments state, IEnumerable<PaymentRecord> applied, bool withCharges,
        CancellationToken cancellationToken)
    {
        var claimed = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (source, paid) in state.Sources.Where(s => s.Value.Applied).Select(s => (s.Key, s.Value.AmountMinor))
            .Concat(applied.Select(p => (p.StripeInvoiceId ?? "", p.AmountMinor))))
        {
            claimed[source] = Math.Max(claimed.GetValueOrDefault(source), paid);
        }

        var answers = new Dictionary<string, StripeConfirmation>(StringComparer.Ordinal);
        foreach (var (source, paid) in claimed)
        {
            answers[source] = await ConfirmOneAsync(invoiceId, currency, source, paid, withCharges, cashOnly: false, cancellationToken).ConfigureAwait(false);
        }

        return new SourceConfirmations(answers);
    }

    /// <summary>
    /// Stripe's word on the cash of <paramref name="unapplied"/> payment rows that book some (<see cref="PaymentRecord.ToUnappliedMinor"/>),
    /// per Stripe invoice, for the most any row says it paid (<see cref="StripeInvoiceConfirmation.ConfirmCashAsync"/>): booked
    /// as <c>cash:stripe</c>, so as forgeable by planted rows as an applied payment, but never ours to judge by invoice.
    /// </summary>
    internal async Task<SourceConfirmations> ConfirmCashAsync(IEnumerable<PaymentRecord> unapplied, CancellationToken cancellationToken)
    {
        var claimed = new SortedDictionary<string, (string Currency, long Paid)>(StringComparer.Ordinal);
        foreach (var p in unapplied.Where(p => p.Resolution == PaymentResolution.Unapplied && p.ToUnappliedMinor > 0))
        {
            string source = p.StripeInvoiceId ?? "";
            claimed[source] = (p.Currency, Math.Max(claimed.GetValueOrDefault(source).Paid, p.AmountMinor));
        }

        var answers = new Dictionary<string, StripeConfirmation>(StringComparer.Ordinal);
        foreach (var (source, (currency, paid)) in claimed)
        {
            answers[source] = await ConfirmOneAsync("", currency, source, paid, withCharges: false, cashOnly: true, cancellationToken).ConfigureAwait(false);
        }

        return new SourceConfirmations(answers);
    }

    private async Task<StripeConfirmation> ConfirmOneAsync(string invoiceId, string currency, string stripeInvoiceId, long paid, bool withCharges, bool cashOnly, CancellationToken cancellationToken)
    {
        if (!stripe.Enabled)
        {
            if (!storage.Value.TablesOnThisMachine)
            {
                return StripeConfirmation.NoKey.Instance;
            }

            if (Interlocked.Exchange(ref toldUnconfirmed, 1) == 0)
            {
                LogUnconfirmedLocally(logger);
            }

            return StripeConfirmation.Confirmed.Instance;
        }

        async Task<bool> LinkedAsync(CancellationToken ct) =>
            (await invoices.FindByStripeInvoiceIdAsync(stripeInvoiceId, ct).ConfigureAwait(false)).Contains(invoiceId, StringComparer.Ordinal);
        string? asked = stripeInvoiceId.Length == 0 ? null : stripeInvoiceId;
        if (cashOnly)
        {
            return await stripe.ConfirmCashAsync(currency, asked, paid, cancellationToken).ConfigureAwait(false);
        }

        return withCharges
            ? await stripe.ConfirmWithChargesAsync(invoiceId, currency, asked, paid, LinkedAsync, cancellationToken).ConfigureAwait(false)
            : await stripe.ConfirmAsync(invoiceId, currency, asked, paid, LinkedAsync, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No Stripe secret key (Billing:Stripe:SecretKey): payments are booked and burned unconfirmed by Stripe, as the tables are on this machine (a local run); a deployment holds every burn instead")]
    private static partial void LogUnconfirmedLocally(ILogger logger);
}

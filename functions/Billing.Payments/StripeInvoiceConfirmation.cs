using System.Net;
using Stripe;

namespace Billing.Payments;

/// <summary>
/// Asks Stripe (<c>GET /v1/invoices/{id}</c>) whether one of its invoices really paid one of ours, so that rows someone with
/// storage access planted (a payment state, an applied event, an unsettled marker) are never booked as cash or burned on.
/// Confirmed only when the Stripe invoice is <c>paid</c> through Stripe (not marked paid out of band), its <c>amount_paid</c> covers what the rows say was received from it
/// (exact minor units), its currency is ours, its <c>livemode</c> is the secret key's mode, and its metadata names our
/// invoice, or names none and the platform's sync linked it to ours. An answer that is no answer (network, timeout, 5xx, 429, our own key
/// refused) is <see cref="StripeConfirmation.Unreachable"/>: never a refutation, never acted on.
/// </summary>
public sealed partial class StripeInvoiceConfirmation(StripeConnection connection, ILogger<StripeInvoiceConfirmation> logger)
{
    /// <summary>True when a secret key is configured, so Stripe can be asked.</summary>
    public bool Enabled => connection.Client is not null;

    /// <param name="invoiceId">Our invoice.</param>
    /// <param name="currency">Our invoice's currency (ISO 4217; compared case-insensitively, Stripe's is lower-case).</param>
    /// <param name="stripeInvoiceId">The Stripe invoice the rows say paid it.</param>
    /// <param name="receivedMinor">What the rows say was received from it (its cumulative <c>amount_paid</c>).</param>
    /// <param name="linkedByPlatform">Whether the platform's sync made that Stripe invoice for ours; asked only when the metadata names no invoice.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<StripeConfirmation> ConfirmAsync(string invoiceId, string currency, string? stripeInvoiceId, long receivedMinor,
        Func<CancellationToken, Task<bool>> linkedByPlatform, CancellationToken cancellationToken) =>
        ConfirmAsync(invoiceId, currency, stripeInvoiceId, receivedMinor, linkedByPlatform ?? throw new ArgumentNullException(nameof(linkedByPlatform)), withCharges: false, cancellationToken);

    /// <summary>
    /// As <see cref="ConfirmAsync(string, string, string?, long, Func{CancellationToken, Task{bool}}, CancellationToken)"/>, and a
    /// confirmation carries the charges that paid the Stripe invoice (<see cref="StripeConfirmation.Confirmed.Charges"/>): asked
    /// right before a burn, so a refund or dispute Stripe knows of holds it whatever the rows say (StripeInvoiceConfirmation.Charges.cs).
    /// </summary>
    public Task<StripeConfirmation> ConfirmWithChargesAsync(string invoiceId, string currency, string? stripeInvoiceId, long receivedMinor,
        Func<CancellationToken, Task<bool>> linkedByPlatform, CancellationToken cancellationToken) =>
        ConfirmAsync(invoiceId, currency, stripeInvoiceId, receivedMinor, linkedByPlatform ?? throw new ArgumentNullException(nameof(linkedByPlatform)), withCharges: true, cancellationToken);

    /// <summary>
    /// Whether Stripe received the cash an unapplied payment's rows say it did: the Stripe invoice is <c>paid</c> through Stripe,
    /// its <c>amount_paid</c> covers <paramref name="receivedMinor"/> in <paramref name="currency"/>, in the key's mode. Whose
    /// invoice it paid is not judged: an unapplied payment is, by its reason, not ours as it stands, while its cash is booked.
    /// </summary>
    public Task<StripeConfirmation> ConfirmCashAsync(string currency, string? stripeInvoiceId, long receivedMinor, CancellationToken cancellationToken) =>
        ConfirmAsync("the rows", currency, stripeInvoiceId, receivedMinor, linkedByPlatform: null, withCharges: false, cancellationToken);

    // linkedByPlatform null: the cash alone is judged (ConfirmCashAsync), not whose invoice it paid.
    private async Task<StripeConfirmation> ConfirmAsync(string invoiceId, string currency, string? stripeInvoiceId, long receivedMinor,
        Func<CancellationToken, Task<bool>>? linkedByPlatform, bool withCharges, CancellationToken cancellationToken)
    {
        if (connection.Client is not { } client)
        {
            return StripeConfirmation.NoKey.Instance;
        }

        if (!StripeJson.IsId(stripeInvoiceId))
        {
            return new StripeConfirmation.Refuted(StripeRefutation.NoSuchInvoice, "the rows name no Stripe invoice id");
        }

        Stripe.Invoice paid;
        // The pinned API version's invoice names no charge; its payments are an includable list, asked for only before a burn.
        string request = withCharges ? $"GET /v1/invoices/{stripeInvoiceId}?expand[]=payments" : $"GET /v1/invoices/{stripeInvoiceId}";
        try
        {
            var options = withCharges ? new InvoiceGetOptions { Expand = ["payments"] } : null;
            paid = await new InvoiceService(client).GetAsync(stripeInvoiceId, options, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (StripeException ex) when (ex.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return new StripeConfirmation.Refuted(StripeRefutation.NoSuchInvoice, $"Stripe has no invoice {stripeInvoiceId} ({ex.StripeError?.Code ?? "404"})");
        }
        catch (Exception ex) when (NoAnswer(ex, cancellationToken))
        {
            return Unanswered(request, stripeInvoiceId!, ex);
        }

        if (paid is null)
        {
            return new StripeConfirmation.Unreachable($"{request} answered no invoice object");
        }

        var judged = await JudgeAsync(paid, invoiceId, currency, stripeInvoiceId!, receivedMinor, linkedByPlatform, cancellationToken).ConfigureAwait(false);
        return withCharges && judged is StripeConfirmation.Confirmed
            ? await ChargesAsync(client, paid, cancellationToken).ConfigureAwait(false)
            : judged;
    }

    private async Task<StripeConfirmation> JudgeAsync(Stripe.Invoice paid, string invoiceId, string currency, string stripeInvoiceId, long receivedMinor,
        Func<CancellationToken, Task<bool>>? linkedByPlatform, CancellationToken cancellationToken)
    {
        string what = $"Stripe invoice {stripeInvoiceId}";
        if (!string.Equals(paid.Status, "paid", StringComparison.Ordinal))
        {
            return new StripeConfirmation.Refuted(StripeRefutation.NotPaid, $"{what} is {paid.Status ?? "of no status"}, not paid");
        }

        if (paid.RawJsonElement is { ValueKind: System.Text.Json.JsonValueKind.Object } raw && raw.TryGetProperty("paid_out_of_band", out var flag)
            && flag.ValueKind == System.Text.Json.JsonValueKind.True)
        {
            // Marked paid by hand: no cash reached Stripe (the webhook path never applies such a payment). Read from the JSON: the
            // typed object of the pinned API version has no such field (older versions send it).
            return new StripeConfirmation.Refuted(StripeRefutation.NotPaid, $"{what} was marked paid out of band: no cash reached Stripe");
        }

        if (paid.AmountPaid < receivedMinor)
        {
            return new StripeConfirmation.Refuted(StripeRefutation.AmountShort,
                string.Create(CultureInfo.InvariantCulture, $"{what} paid {paid.AmountPaid} minor units, the rows say {receivedMinor}"));
        }

        if (!string.Equals(paid.Currency, currency.ToLowerInvariant(), StringComparison.Ordinal))
        {
            return new StripeConfirmation.Refuted(StripeRefutation.CurrencyDiffers, $"{what} is in {paid.Currency ?? "no currency"}, {invoiceId} in {currency}");
        }

        if (connection.Options.KeyLivemode is not { } keyLive || paid.Livemode != keyLive)
        {
            string key = connection.Options.KeyLivemode switch { true => "live", false => "test", null => "of no known mode" };
            return new StripeConfirmation.Refuted(StripeRefutation.ModeDiffers, $"{what} is {(paid.Livemode ? "live" : "test")}-mode, the secret key {key}");
        }

        if (linkedByPlatform is null)
        {
            return StripeConfirmation.Confirmed.Instance; // the cash alone
        }

        // Metadata naming another invoice always refutes: the sync link is read from invoice rows storage can write, so it
        // only speaks for a Stripe invoice whose metadata names none of ours.
        string? named = paid.Metadata?.GetValueOrDefault(StripeInvoiceSync.InvoiceIdMetadataKey);
        if (!string.IsNullOrEmpty(named) && !string.Equals(named, invoiceId, StringComparison.Ordinal))
        {
            return new StripeConfirmation.Refuted(StripeRefutation.NamesAnotherInvoice, $"{what} names {named} in its metadata, not {invoiceId}");
        }

        if (string.IsNullOrEmpty(named) && !await linkedByPlatform(cancellationToken).ConfigureAwait(false))
        {
            return new StripeConfirmation.Refuted(StripeRefutation.NamesAnotherInvoice, $"{what} names no invoice in its metadata, and the platform did not sync it for {invoiceId}");
        }

        return StripeConfirmation.Confirmed.Instance;
    }

    /// <summary>
    /// Whether an exception from asking Stripe means no usable answer: besides the network, anything the client throws on an
    /// answer it cannot read (JSON cut short, a field of the wrong type). Such an answer is never a verdict, and must not reach
    /// the caller's isolation, which would fail the burn for good. Only our own cancellation passes.
    /// </summary>
    private static bool NoAnswer(Exception ex, CancellationToken cancellationToken) =>
        !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested);

    /// <summary>
    /// What an unanswered <paramref name="request"/> makes of the whole answer: the request and Stripe's status and error type
    /// (5xx and 429 are Stripe's to recover from; any other 4xx is about our request or key, never about the payment), or why
    /// there was no answer that can be read, so an operator reads which of them keeps a burn pending. Stripe's request id
    /// is logged only: the answer becomes the burn's reason, which is rewritten only when it changes.
    /// </summary>
    private StripeConfirmation.Unreachable Unanswered(string request, string stripeInvoiceId, Exception ex)
    {
        var stripe = ex as StripeException;
        int status = stripe is null ? 0 : (int)stripe.HttpStatusCode;
        LogUnreachable(logger, ex, stripeInvoiceId, request, status, stripe?.StripeResponse?.RequestId ?? "none");
        return new StripeConfirmation.Unreachable(ex switch
        {
            StripeException s when status > 0 => string.Create(CultureInfo.InvariantCulture, $"{request} answered {status} ({s.StripeError?.Type ?? "no error type"})"),
            InvalidDataException => $"{request}: {ex.Message}",
            _ => $"{request} got no answer that can be read ({ex.GetType().Name})",
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe could not be asked about invoice {StripeInvoiceId}: {Request} (status {Status}, 0 = no answer; Stripe request id {StripeRequestId}); nothing is decided on it until it answers")]
    private static partial void LogUnreachable(ILogger logger, Exception exception, string stripeInvoiceId, string request, int status, string stripeRequestId);
}

using Stripe;

namespace Billing.Payments;

/// <summary>
/// The charges behind a confirmed Stripe invoice, asked right before a burn: the invoice's <c>payments</c> (expanded on the same
/// <c>GET /v1/invoices/{id}</c>, and listed by <c>GET /v1/invoice_payments?invoice=</c> when Stripe says more follow the ones it
/// included) name a payment intent or a charge; the charges of each are listed (<c>GET /v1/charges?payment_intent=</c>, or
/// <c>GET /v1/charges/{id}</c>), and the disputes of a charge Stripe flags <c>disputed</c> (<c>GET /v1/disputes?charge=</c>).
/// The charge behind a payment intent lies five levels down (<c>payments.data.payment.payment_intent.latest_charge</c>), past
/// the four Stripe expands, hence the second request. Each list is read to its end, <see cref="PageSize"/> at a time
/// (<c>starting_after</c> the last id read), up to <see cref="MaxPages"/> pages. Any unanswered request, an answer that cannot
/// be read, or a list longer than that makes the whole answer <see cref="StripeConfirmation.Unreachable"/>, naming the request
/// or the list: nothing is decided on half of it.
/// </summary>
public sealed partial class StripeInvoiceConfirmation
{
    /// <summary>Items asked for per page: Stripe's most.</summary>
    internal const int PageSize = 100;

    /// <summary>
    /// Pages read of one list at most. A payment with more charges or disputes than that is no ordinary payment: its burn waits,
    /// named, for an operator, rather than making thousands of requests on every run.
    /// </summary>
    internal const int MaxPages = 10;

    private async Task<StripeConfirmation> ChargesAsync(StripeClient client, Stripe.Invoice paid, CancellationToken cancellationToken)
    {
        var asked = new Asked();
        var charges = new List<StripeCharge>();
        try
        {
            var chargeService = new ChargeService(client);
            foreach (var payment in await PaymentsOfAsync(client, paid, asked, cancellationToken).ConfigureAwait(false) ?? [])
            {
                List<Charge>? found = payment.Payment switch
                {
                    { Type: "payment_intent", PaymentIntentId: { Length: > 0 } intent } => await AllPagesAsync(asked, $"charges of payment intent {intent}", $"GET /v1/charges?payment_intent={intent}",
                        after => chargeService.ListAsync(new ChargeListOptions { PaymentIntent = intent, Limit = PageSize, StartingAfter = after }, cancellationToken: cancellationToken)).ConfigureAwait(false),
                    { Type: "charge", ChargeId: { Length: > 0 } chargeId } => [await asked.AskAsync($"GET /v1/charges/{chargeId}", () => chargeService.GetAsync(chargeId, cancellationToken: cancellationToken)).ConfigureAwait(false)],
                    _ => [], // a payment record: money that reached the invoice outside Stripe's charges
                };
                foreach (var charge in found ?? [])
                {
                    var disputes = charge.Disputed ? await DisputesOfAsync(client, charge.Id, asked, cancellationToken).ConfigureAwait(false) : [];
                    charges.Add(new StripeCharge(charge.Id, charge.Currency?.ToUpperInvariant() ?? "", charge.AmountRefunded, charge.Disputed, disputes ?? []));
                }

                if (asked.Beyond is not null)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (NoAnswer(ex, cancellationToken))
        {
            return Unanswered(asked.Request, paid.Id, ex);
        }

        if (asked.Beyond is { } beyond)
        {
            LogBeyondPages(logger, paid.Id, beyond);
            return new StripeConfirmation.Unreachable($"{beyond} (asked for {paid.Id}, {MaxPages} pages read); nothing is judged on part of them");
        }

        return new StripeConfirmation.Confirmed(charges);
    }

    /// <summary>The invoice's paid payments: the included ones, or every page of them when Stripe says more follow; null past <see cref="MaxPages"/>.</summary>
    private static async Task<IReadOnlyList<InvoicePayment>?> PaymentsOfAsync(StripeClient client, Stripe.Invoice paid, Asked asked, CancellationToken cancellationToken)
    {
        List<InvoicePayment>? payments = [.. paid.Payments?.Data ?? []];
        if (paid.Payments?.HasMore == true)
        {
            var service = new InvoicePaymentService(client);
            payments = await AllPagesAsync(asked, $"payments of invoice {paid.Id}", $"GET /v1/invoice_payments?invoice={paid.Id}",
                after => service.ListAsync(new InvoicePaymentListOptions { Invoice = paid.Id, Limit = PageSize, StartingAfter = after }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        return payments?.Where(p => string.Equals(p.Status, "paid", StringComparison.Ordinal)).ToList();
    }

    private static async Task<IReadOnlyList<StripeDispute>?> DisputesOfAsync(StripeClient client, string chargeId, Asked asked, CancellationToken cancellationToken)
    {
        var service = new DisputeService(client);
        var disputes = await AllPagesAsync(asked, $"disputes of charge {chargeId}", $"GET /v1/disputes?charge={chargeId}",
            after => service.ListAsync(new DisputeListOptions { Charge = chargeId, Limit = PageSize, StartingAfter = after }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return disputes?.Select(d => new StripeDispute(d.Id, d.Status ?? "", d.Amount, d.Currency?.ToUpperInvariant() ?? "", new DateTimeOffset(DateTime.SpecifyKind(d.Created, DateTimeKind.Utc)))).ToList();
    }

    /// <summary>
    /// Every item of the list <paramref name="request"/> asks for, page after page; null when it goes on past <see cref="MaxPages"/>
    /// pages (<see cref="Asked.Beyond"/> names it). A missing list, or a page that says more follow but names no item to go on
    /// from, is an answer that cannot be read.
    /// </summary>
    private static async Task<List<T>?> AllPagesAsync<T>(Asked asked, string what, string request, Func<string?, Task<StripeList<T>>> page)
        where T : IHasId
    {
        var items = new List<T>();
        string? after = null;
        for (int read = 0; read < MaxPages; read++)
        {
            string url = string.Create(CultureInfo.InvariantCulture, $"{request}&limit={PageSize}{(after is null ? "" : "&starting_after=" + after)}");
            var list = await asked.AskAsync(url, () => page(after)).ConfigureAwait(false);
            if (list?.Data is not { } data)
            {
                throw new InvalidDataException($"Stripe answered no list of {what}");
            }

            items.AddRange(data);
            if (!list.HasMore)
            {
                return items;
            }

            after = data.Count > 0 && data[^1]?.Id is { Length: > 0 } last
                ? last
                : throw new InvalidDataException($"Stripe says more {what} follow a page that names none to go on from");
        }

        asked.Beyond = string.Create(CultureInfo.InvariantCulture, $"Stripe lists more than {MaxPages * PageSize} {what}");
        return null;
    }

    /// <summary>The request being asked (named when it goes unanswered), and the list that went on past <see cref="MaxPages"/>, if one did.</summary>
    private sealed class Asked
    {
        public string Request { get; private set; } = "";

        public string? Beyond { get; set; }

        public Task<T> AskAsync<T>(string request, Func<Task<T>> ask)
        {
            Request = request;
            return ask();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{What} (asked for Stripe invoice {StripeInvoiceId}); its burn waits pending rather than being judged on part of them: look at the payment in the Stripe Dashboard")]
    private static partial void LogBeyondPages(ILogger logger, string stripeInvoiceId, string what);
}

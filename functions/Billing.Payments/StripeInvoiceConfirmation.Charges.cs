using Stripe;

namespace Billing.Payments;

/// <summary>
/// The charges behind a confirmed Stripe invoice, asked right before a burn: the invoice's <c>payments</c> (expanded on the same
/// <c>GET /v1/invoices/{id}</c>) name a payment intent or a charge; the charges of each are listed
/// (<c>GET /v1/charges?payment_intent=</c>, or <c>GET /v1/charges/{id}</c>), and the disputes of a charge Stripe flags
/// <c>disputed</c> (<c>GET /v1/disputes?charge=</c>). The charge behind a payment intent lies five levels down
/// (<c>payments.data.payment.payment_intent.latest_charge</c>), past the four Stripe expands, hence the second request.
/// Any unanswered request, an answer that cannot be read, or a list Stripe says goes on past its page (<c>has_more</c>) makes
/// the whole answer <see cref="StripeConfirmation.Unreachable"/>: nothing is decided on half of it.
/// </summary>
public sealed partial class StripeInvoiceConfirmation
{
    private async Task<StripeConfirmation> ChargesAsync(StripeClient client, Stripe.Invoice paid, CancellationToken cancellationToken)
    {
        var charges = new List<StripeCharge>();
        var partial = new List<string>(); // the lists Stripe says go on past the page read
        try
        {
            var chargeService = new ChargeService(client);
            foreach (var payment in await PaymentsOfAsync(client, paid, cancellationToken).ConfigureAwait(false))
            {
                IEnumerable<Charge> found = payment.Payment switch
                {
                    { Type: "payment_intent", PaymentIntentId: { Length: > 0 } intent } =>
                        OnePage(await chargeService.ListAsync(new ChargeListOptions { PaymentIntent = intent, Limit = 100 }, cancellationToken: cancellationToken).ConfigureAwait(false), "charges", partial),
                    { Type: "charge", ChargeId: { Length: > 0 } chargeId } =>
                        [await chargeService.GetAsync(chargeId, cancellationToken: cancellationToken).ConfigureAwait(false)],
                    _ => [], // a payment record: money that reached the invoice outside Stripe's charges
                };
                foreach (var charge in found)
                {
                    charges.Add(new StripeCharge(charge.Id, charge.Currency?.ToUpperInvariant() ?? "", charge.AmountRefunded, charge.Disputed,
                        charge.Disputed ? await DisputesOfAsync(client, charge.Id, partial, cancellationToken).ConfigureAwait(false) : []));
                }
            }
        }
        catch (StripeException ex)
        {
            LogUnreachable(logger, ex, paid.Id, (int)ex.HttpStatusCode);
            return new StripeConfirmation.Unreachable($"Stripe answered {(int)ex.HttpStatusCode} ({ex.StripeError?.Type ?? "no error type"}) when asked for the charges of {paid.Id}");
        }
        catch (Exception ex) when (NoAnswer(ex, cancellationToken))
        {
            LogUnreachable(logger, ex, paid.Id, 0);
            return new StripeConfirmation.Unreachable($"no answer from Stripe that can be read ({ex.GetType().Name}) when asked for the charges of {paid.Id}");
        }

        if (partial.Count > 0)
        {
            LogPartial(logger, paid.Id, string.Join(", ", partial.Distinct()));
            return new StripeConfirmation.Unreachable($"Stripe lists more {string.Join(" and ", partial.Distinct())} of {paid.Id} than one page holds; nothing is judged on part of them");
        }

        return new StripeConfirmation.Confirmed(charges);
    }

    /// <summary>The invoice's paid payments: the included first page, or every page when Stripe says there are more.</summary>
    private static async Task<IReadOnlyList<InvoicePayment>> PaymentsOfAsync(StripeClient client, Stripe.Invoice paid, CancellationToken cancellationToken)
    {
        var payments = new List<InvoicePayment>(paid.Payments?.Data ?? []);
        if (paid.Payments?.HasMore == true)
        {
            payments.Clear();
            await foreach (var payment in new InvoicePaymentService(client).ListAutoPagingAsync(new InvoicePaymentListOptions { Invoice = paid.Id, Limit = 100 }, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                payments.Add(payment);
            }
        }

        return [.. payments.Where(p => string.Equals(p.Status, "paid", StringComparison.Ordinal))];
    }

    private static async Task<IReadOnlyList<StripeDispute>> DisputesOfAsync(StripeClient client, string chargeId, List<string> partial, CancellationToken cancellationToken)
    {
        var disputes = OnePage(await new DisputeService(client).ListAsync(new DisputeListOptions { Charge = chargeId, Limit = 100 }, cancellationToken: cancellationToken).ConfigureAwait(false), "disputes", partial);
        return [.. disputes.Select(d => new StripeDispute(d.Id, d.Status ?? "", d.Amount, d.Currency?.ToUpperInvariant() ?? "", new DateTimeOffset(DateTime.SpecifyKind(d.Created, DateTimeKind.Utc))))];
    }

    /// <summary>The page's items; a list Stripe says goes on is named in <paramref name="partial"/> (a refund or dispute may be past it). A missing list is an answer that cannot be read.</summary>
    private static List<T> OnePage<T>(StripeList<T>? list, string what, List<string> partial)
    {
        if (list?.Data is not { } data)
        {
            throw new InvalidDataException($"Stripe answered no list of {what}");
        }

        if (list.HasMore)
        {
            partial.Add(what);
        }

        return data;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe lists more {What} for invoice {StripeInvoiceId} than one page holds; its burn waits pending rather than being judged on part of them")]
    private static partial void LogPartial(ILogger logger, string stripeInvoiceId, string what);
}

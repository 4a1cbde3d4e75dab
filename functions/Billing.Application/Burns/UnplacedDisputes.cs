namespace Billing.Application.Burns;

/// <summary>
/// Disputes placed under no invoice that may be an invoice's, for its burn (<see cref="DisputeHold"/>). A dispute is placed
/// under the one invoice its charge paid; one whose charge paid several of ours is placed under none (which one it concerns
/// is not known), and so is one whose charge no invoice is found for yet (its <c>invoice_payment.paid</c> has not arrived).
/// The first holds the burn of every invoice its charge paid. The second holds the burns of the invoices its customer paid:
/// Stripe's dispute names its charge and payment intent, never a customer, so the customer is the one <c>charge.refunded</c>
/// recorded for the same charge; with no refund of it, no customer is known, and it holds the burns of the invoices whose own
/// payment no charge is known to have made yet (no payment intent on <c>invoice.paid</c>, no <c>invoice_payment.paid</c>
/// link): the invoices it may be a payment of. Only disputes in the burn's currency whose status Stripe gave after the
/// invoice was paid (less <see cref="InvoicePayers.StripeClockMargin"/>) count: a charge is disputed after it paid. A dispute row that cannot be read is left to
/// reconcile (<c>DisputeUnreadable</c>), so one planted row holds nobody's burn.
/// </summary>
internal static class UnplacedDisputes
{
    private const string Reported = "ledger reconcile reports DisputeUnplaced; it holds until invoice_payment.paid places it under an invoice, or finance releases the burn";

    /// <summary>Why a dispute placed under no invoice holds the burn (the first by dispute id); null when none does. A payment row of the invoice that cannot be read throws <see cref="InvalidDataException"/>.</summary>
    public static async Task<string?> WhyAsync(RefundStore refunds, PaymentStore payments, InvoiceStore invoices, BurnIntent intent, CancellationToken cancellationToken)
    {
        var payers = await InvoicePayers.OfAsync(payments, intent.InvoiceId, cancellationToken).ConfigureAwait(false);
        var paid = payers.Payments;
        if (paid.Count == 0)
        {
            return null;
        }

        var since = paid.Min(p => p.PaidAt) - InvoicePayers.StripeClockMargin;
        var customers = payers.Customers.Select(c => c.Customer).ToHashSet(StringComparer.Ordinal);
        bool? tiedToACharge = null;
        var disputes = (await refunds.Disputes.UnplacedSinceAsync(since, cancellationToken).ConfigureAwait(false))
            .Where(d => DisputeHold.Holds(d, intent) && (d.Currency.Length == 0 || d.Currency == intent.Currency))
            .OrderBy(d => d.DisputeId, StringComparer.Ordinal);
        foreach (var dispute in disputes)
        {
            var found = await InvoicesOfAsync(refunds, invoices, payments, dispute, cancellationToken).ConfigureAwait(false);
            if (found.Count > 0)
            {
                if (found.Contains(intent.InvoiceId, StringComparer.Ordinal))
                {
                    return DisputeHold.Why(dispute, found.Count > 1
                        ? $"of {intent.InvoiceId}, a charge that paid several invoices ({string.Join(", ", found)}), so it is placed under none of them"
                        : $"of {intent.InvoiceId}, not placed under it yet", "ledger reconcile reports DisputeUnplaced");
                }

                continue; // another invoice's
            }

            string? customer = await CustomerOfAsync(refunds, dispute, cancellationToken).ConfigureAwait(false);
            if (customer is not null ? customers.Contains(customer) : !(tiedToACharge ??= await TiedToAChargeAsync(refunds.Links, paid, cancellationToken).ConfigureAwait(false)))
            {
                return DisputeHold.Why(dispute, customer is not null
                    ? $"of customer {customer}, who paid {intent.InvoiceId}, that no invoice is found for yet"
                    : $"that no invoice is found for yet, while no charge is known to have paid {intent.InvoiceId} (it may be its payment)", Reported);
            }
        }

        return null;
    }

    /// <summary>
    /// The invoices of ours the disputed charge paid, as its placement finds them; none when a link row of its payment cannot be
    /// read (reconcile reports <c>InvoicePaymentLinkUnreadable</c>; the dispute is then held as one no invoice is found for).
    /// </summary>
    private static async Task<IReadOnlyList<string>> InvoicesOfAsync(RefundStore refunds, InvoiceStore invoices, PaymentStore payments, DisputeRecord dispute, CancellationToken cancellationToken)
    {
        try
        {
            return await StripeInvoiceLinks.OfChargeAsync(refunds.Links, invoices, payments, dispute.ChargeId, dispute.PaymentIntentId, null, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException)
        {
            return [];
        }
    }

    /// <summary>
    /// The Stripe customer of the disputed charge as <c>charge.refunded</c> recorded it; null when the charge was not refunded,
    /// or its refund row cannot be read (reconcile reports <c>RefundUnreadable</c>; the dispute is then held as one of no known customer).
    /// </summary>
    private static async Task<string?> CustomerOfAsync(RefundStore refunds, DisputeRecord dispute, CancellationToken cancellationToken)
    {
        if (dispute.ChargeId is not { Length: > 0 } chargeId)
        {
            return null;
        }

        try
        {
            return (await refunds.GetAsync(chargeId, cancellationToken).ConfigureAwait(false))?.Record.StripeCustomerId;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>Whether a charge is known to have made the invoice's payments: <c>invoice.paid</c> named its payment intent, or <c>invoice_payment.paid</c> linked a payment to its Stripe invoice.</summary>
    private static async Task<bool> TiedToAChargeAsync(InvoicePaymentLinkStore links, IReadOnlyList<PaymentRecord> paid, CancellationToken cancellationToken)
    {
        if (paid.Any(p => p.PaymentIntentId is { Length: > 0 }))
        {
            return true;
        }

        foreach (string stripeInvoiceId in paid.Select(p => p.StripeInvoiceId).OfType<string>().Where(id => id.Length > 0).Distinct(StringComparer.Ordinal))
        {
            if ((await links.PaymentsOfAsync(stripeInvoiceId, cancellationToken).ConfigureAwait(false)).Count > 0)
            {
                return true;
            }
        }

        return false;
    }
}

namespace Billing.Application.Ledger;

/// <summary>
/// The reconcile findings of Stripe refunds (<c>charge.refunded</c>, docs/design.md §4.15), per currency: what Stripe
/// refunded beyond what the credit notes refunded (voided notes too: a void does not return a refund) is
/// <c>RefundWithoutCreditNote</c>, a refund made in the Dashboard or the API that the invoice, its ledger entries and its
/// burn still count as paid. A charge found to have paid an invoice of ours is compared with that invoice's notes; the
/// others (API versions from 2025 name neither invoice nor, in <c>invoice.paid</c>, the payment intent) with the notes
/// their customer's paid invoices have left over; a charge of no customer of ours is <c>RefundUnmatched</c>. Amounts that
/// cannot be read are <c>RefundMalformedAmount</c>, rows <c>RefundUnreadable</c>. A refund a credit note made counts once
/// both the note and the refund are recorded, in whichever order they arrive; one up to what the payer of the charges'
/// invoice overpaid returns that credit (<see cref="Overpayment"/>), not revenue.
/// </summary>
internal static class RefundFindings
{
    public static IEnumerable<AuditProblem> For(
        StoredList<RefundRecord> refunds, IReadOnlyList<PaymentRecord> payments, IReadOnlyDictionary<string, InvoiceCredits> creditsOf, IReadOnlySet<string> creditsUnknown,
        Func<string, Overpayment> overpaidOf)
    {
        foreach (var bad in refunds.Unreadable)
        {
            yield return new("RefundUnreadable", bad.Id, $"{bad.Reason}; what was refunded on the charge is not counted here");
        }

        foreach (var refund in refunds.Items.Where(r => r.Problem is not null))
        {
            yield return new("RefundMalformedAmount", refund.ChargeId, $"event {refund.ProblemEventId}: {refund.Problem}; the charge counts with {Amount(refund.AmountRefundedMinor, refund.Currency)} refunded until a later event says");
        }

        // What each invoice's notes refunded and its payer overpaid, and what its own charges had refunded: the rest explains its customer's other charges.
        InvoiceCredits CreditsOf(string invoice) => creditsOf.GetValueOrDefault(invoice) ?? InvoiceCredits.Empty;
        var refunded = refunds.Items.Where(r => r.AmountRefundedMinor > 0).ToList();
        var matched = refunded.Where(r => r.InvoiceId is not null).GroupBy(r => r.InvoiceId!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        foreach (var finding in matched.Where(m => !creditsUnknown.Contains(m.Key)).SelectMany(m => OfInvoice(m.Key, m.Value, CreditsOf(m.Key), overpaidOf(m.Key))))
        {
            yield return finding;
        }

        var invoicesOf = payments.Where(p => p.StripeCustomerId is not null && !PaymentApplication.NotThePayers(p.Reason)).GroupBy(p => p.StripeCustomerId!)
            .ToDictionary(g => g.Key, g => g.Select(p => p.InvoiceId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        foreach (var byCustomer in refunded.Where(r => r.InvoiceId is null).GroupBy(r => (Customer: r.StripeCustomerId, r.Currency)))
        {
            var (customer, currency) = byCustomer.Key;
            if (customer is null || !invoicesOf.TryGetValue(customer, out var invoices))
            {
                foreach (var charge in byCustomer)
                {
                    yield return new("RefundUnmatched", charge.ChargeId,
                        $"{Amount(charge.AmountRefundedMinor, currency)} refunded on a charge no invoice of this platform was found for " +
                        $"(Stripe invoice {charge.StripeInvoiceId ?? "not named"}, payment intent {charge.PaymentIntentId ?? "not named"}, customer {customer ?? "not named"})");
                }

                continue;
            }

            if (invoices.Any(creditsUnknown.Contains))
            {
                continue; // reported as CreditNoteStateUnreadable: what the notes explain is unknown
            }

            long total = byCustomer.Sum(r => r.AmountRefundedMinor);
            long left = invoices.Sum(i => Math.Max(0, CreditsOf(i).RefundedMinor(currency) + overpaidOf(i).In(currency) - (matched.GetValueOrDefault(i)?.Where(r => r.Currency == currency).Sum(r => r.AmountRefundedMinor) ?? 0)));
            if (total > left)
            {
                yield return Unexplained($"{customer} ({string.Join(", ", invoices)})",
                    new RefundsBeyondNotes(currency, total, left, [.. byCustomer.Select(r => r.ChargeId).Order(StringComparer.Ordinal)]));
            }
        }
    }

    /// <summary><c>RefundWithoutCreditNote</c> of the charges placed under <paramref name="invoice"/>: one per currency refunded beyond its notes.</summary>
    public static IEnumerable<AuditProblem> OfInvoice(string invoice, IEnumerable<RefundRecord> charges, InvoiceCredits credits, Overpayment overpaid) =>
        RefundsBeyondNotes.Of(charges.Where(r => r.AmountRefundedMinor > 0), credits, overpaid).Select(beyond => Unexplained(invoice, beyond));

    /// <summary>Whether <paramref name="finding"/> is one of <see cref="OfInvoice"/>'s, of an invoice charges are placed under.</summary>
    public static bool IsOfInvoice(AuditProblem finding, Func<string, bool> placedUnder) =>
        finding.Kind == "RefundWithoutCreditNote" && placedUnder(finding.Subject);

    /// <summary>
    /// <c>InvoicePaymentLinkUnreadable</c> (subject: the row's partition and key): a link the refunds of a payment are placed
    /// by. Until it is repaired, the events that read it (<c>invoice_payment.paid</c> and <c>charge.refunded</c> of that payment,
    /// <c>invoice.paid</c> of its Stripe invoice) answer 503 and place nothing, and that invoice is not settled.
    /// </summary>
    public static IEnumerable<AuditProblem> LinksUnreadable(IReadOnlyList<UnreadableRow> links) =>
        links.Select(bad => new AuditProblem("InvoicePaymentLinkUnreadable", bad.Id, $"{bad.Reason}; which invoices the payment paid is unknown, so no refund is placed by it"));

    private static AuditProblem Unexplained(string subject, RefundsBeyondNotes beyond) =>
        new("RefundWithoutCreditNote", subject,
            $"Stripe refunded {Amount(beyond.RefundedMinor, beyond.Currency)} on {string.Join(", ", beyond.ChargeIds)}, " +
            $"credit notes refunded {Amount(beyond.ExplainedMinor, beyond.Currency)} of it" +
            (beyond.OverpaidMinor > 0 ? $" and the payer had overpaid {Amount(beyond.OverpaidMinor, beyond.Currency)}" : "") +
            $": {Amount(beyond.BeyondMinor, beyond.Currency)} went back outside a credit note, so the " +
            "invoice, its ledger entries and its burn still count it as paid");

    private static string Amount(long minor, string currency) => CreditNoteFindings.Amount(minor, currency);
}

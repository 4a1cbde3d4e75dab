namespace Billing.Application.Ledger;

/// <summary>
/// Payments Stripe did not confirm when they were settled (<see cref="PaymentRecord.StripeRefutation"/>, PaymentProcessor.Confirm.cs):
/// each is reported as <c>PaymentUnconfirmed</c> (subject: the Stripe event id) with the Stripe invoice and Stripe's answer, and
/// counts as received nowhere, as the settlement counted it: neither as cash the book lacks (<c>PaymentNotBooked</c>) nor as
/// money that paid its invoice.
/// </summary>
internal static class UnconfirmedPaymentFindings
{
    public const string Kind = "PaymentUnconfirmed";

    /// <param name="payment">The refuted payment.</param>
    /// <param name="booked">Whether the book has its entry (booked while Stripe confirmed it, refuted on a later settlement).</param>
    public static AuditProblem For(PaymentRecord payment, bool booked) =>
        new(Kind, payment.StripeEventId,
            $"{payment.InvoiceId}: {CreditNoteFindings.Amount(payment.AmountMinor, payment.Currency)} of Stripe invoice {payment.StripeInvoiceId ?? "not named"}: "
            + $"Stripe does not confirm it ({payment.StripeRefutation}); "
            + (booked ? "it was booked before Stripe refuted it (the entry stays), " : "it is not booked, ")
            + "it does not count as paid and nothing is burned for it. Either the rows were written outside this platform (find out who "
            + "wrote them before removing anything), or our Stripe configuration is wrong (Billing:Stripe: a key of another account or mode, "
            + "a test key receiving live payments, a wrong ApiBase): check the key and the Stripe invoice in the dashboard first. "
            + "NoSuchInvoice and ModeDiffers are asked again on every run and clear once Stripe confirms");

    /// <summary>
    /// Whether the refutation is one settling asks again (<see cref="StripeConfirmation.Refuted.MayBeOurConfiguration"/>): its
    /// invoice's unsettled marker is kept for that, so the marker is this finding's, not a second one (<c>PaymentNotSettled</c>).
    /// Only an applied payment's, or an unapplied one's that books cash: settling asks about those alone, so a refutation on any
    /// other row (planted) keeps no marker.
    /// </summary>
    public static bool AskedAgain(PaymentRecord payment) =>
        (payment.Resolution == PaymentResolution.Applied || payment.Resolution == PaymentResolution.Unapplied && payment.ToUnappliedMinor > 0)
        && payment.StripeRefutation is { } refutation
        && (refutation.StartsWith(nameof(StripeRefutation.NoSuchInvoice) + ":", StringComparison.Ordinal)
            || refutation.StartsWith(nameof(StripeRefutation.ModeDiffers) + ":", StringComparison.Ordinal));

    /// <summary>The payment states without the sources of payments Stripe refuted.</summary>
    public static Dictionary<string, InvoicePayments> Counted(Dictionary<string, InvoicePayments> states, IEnumerable<PaymentRecord> payments)
    {
        foreach (var group in payments.Where(p => p.StripeRefutation is not null).GroupBy(p => p.InvoiceId, StringComparer.Ordinal))
        {
            if (states.TryGetValue(group.Key, out var state))
            {
                var refuted = group.Select(p => p.StripeInvoiceId ?? "").ToHashSet(StringComparer.Ordinal);
                states[group.Key] = state with
                {
                    Sources = state.Sources.Where(s => !refuted.Contains(s.Key)).ToDictionary(StringComparer.Ordinal),
                    CompletedBy = group.Any(p => p.StripeEventId == state.CompletedBy) ? null : state.CompletedBy,
                };
            }
        }

        return states;
    }
}

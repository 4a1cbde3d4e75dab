namespace Billing.Application.Payments;

/// <summary>
/// Stripe is asked before a payment is booked (<see cref="PaymentConfirmation"/>): the payment rows, the state row and the
/// unsettled marker can all be planted by someone with write access to storage, and what they say would otherwise become
/// <c>PaymentReceived</c> cash, a paid invoice and a burn.
/// </summary>
public sealed partial class PaymentProcessor
{
    /// <summary>
    /// What of the invoice's payments Stripe confirms: the state without the sources it refutes (a refuted payment does not
    /// count as paid, nor completes the invoice) and the payments that may be booked; a refuted payment's row records why
    /// (reconcile reports it as <c>PaymentUnconfirmed</c>). Null when Stripe could not be asked about one of them: nothing is
    /// decided then, and the invoice stays marked for the next run. <c>AskAgain</c> when a refutation may be our own
    /// misconfiguration (<see cref="StripeConfirmation.Refuted.MayBeOurConfiguration"/>): the invoice stays marked too.
    /// </summary>
    private async Task<(InvoicePayments Counted, IReadOnlyList<PaymentRecord> Bookable, bool AskAgain)?> ConfirmedAsync(
        string invoiceId, Invoice? invoice, InvoicePayments state, IReadOnlyList<PaymentRecord> recorded, CancellationToken cancellationToken)
    {
        var applied = recorded.Where(p => p.Resolution == PaymentResolution.Applied).ToList();
        var appliedSources = state.Sources.Values.Where(s => s.Applied).ToList();

        // Unapplied cash is asked about as cash only (it is booked to cash:stripe, never counted as paid nor burned): Stripe's
        // confirmation of a payment of our invoice (metadata, sync link) is what an unapplied one is not by its reason. One
        // that books nothing (a LivemodeMismatch one is of an invoice our key cannot see: 404 forever) is not asked.
        var cash = await confirmation.ConfirmCashAsync(recorded, cancellationToken).ConfigureAwait(false);
        var answers = applied.Count == 0 && appliedSources.Count == 0 ? null
            : await confirmation.ConfirmAsync(invoiceId, invoice?.Currency.Code ?? applied.Select(p => p.Currency).Concat(appliedSources.Select(s => s.Currency)).First(),
                state, applied, withCharges: false, cancellationToken).ConfigureAwait(false);
        if ((answers?.Unreachable ?? cash.Unreachable) is var (source, unreachable))
        {
            LogStripeUnreachable(logger, invoiceId, source, unreachable.Detail);
            return null;
        }

        var refuted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var payment in recorded.Where(p => p.Resolution == PaymentResolution.Applied || p.Resolution == PaymentResolution.Unapplied && p.ToUnappliedMinor > 0))
        {
            var refutation = payment.Resolution == PaymentResolution.Applied ? answers?.RefutationOf(payment) : cash.RefutationOf(payment);
            string? text = refutation is null ? null : $"{refutation.Reason}: {refutation.Detail}";
            if (!string.Equals(payment.StripeRefutation, text, StringComparison.Ordinal))
            {
                await payments.SetStripeRefutationAsync(invoiceId, payment.StripeEventId, text, cancellationToken).ConfigureAwait(false);
            }

            if (refutation is not null)
            {
                refuted.Add(payment.StripeEventId);
                LogRefuted(logger, payment.StripeEventId, invoiceId, text!);
            }
        }

        var counted = answers?.Counted(state) ?? state;
        if (counted.CompletedBy is { } by && refuted.Contains(by))
        {
            counted = counted with { CompletedBy = null };
        }

        return (counted, [.. recorded.Where(p => !refuted.Contains(p.StripeEventId))], (answers?.AskAgain ?? false) || cash.AskAgain);
    }

    /// <summary>Clears the unsettled marker, unless a refutation that may be our own misconfiguration is to be asked again.</summary>
    private async Task ClearUnsettledUnlessAskingAgainAsync(string invoiceId, Azure.ETag marker, bool askAgain, CancellationToken cancellationToken)
    {
        if (askAgain)
        {
            LogAskingAgain(logger, invoiceId);
            return;
        }

        await payments.ClearUnsettledAsync(invoiceId, marker, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe's refutation of a payment of {InvoiceId} may be our own Stripe key, account or ApiBase (NoSuchInvoice, ModeDiffers): it stays marked and Stripe is asked again on the next run")]
    private static partial void LogAskingAgain(ILogger logger, string invoiceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe could not be asked whether {StripeInvoiceId} paid {InvoiceId} ({Detail}); nothing is booked for it yet, it stays marked and is settled again on the next run")]
    private static partial void LogStripeUnreachable(ILogger logger, string invoiceId, string stripeInvoiceId, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stripe does not confirm payment {EventId} of {InvoiceId} ({Refutation}): it is not booked now, not counted as paid and nothing is burned for it (ledger reconcile reports PaymentUnconfirmed)")]
    private static partial void LogRefuted(ILogger logger, string eventId, string invoiceId, string refutation);
}

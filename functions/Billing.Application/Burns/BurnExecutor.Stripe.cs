using Billing.Application.Payments;

namespace Billing.Application.Burns;

/// <summary>
/// Stripe is asked again right before a burn is signed (<see cref="PaymentConfirmation"/>), for the payment the burn names and
/// every other source the invoice's payment state counts: a burn row and the payment rows it is checked against
/// (<c>BurnExecutor.Sources.cs</c>) can all be planted, and a burn cannot be undone. Refuted: held with Stripe's answer.
/// Unreachable: it stays pending for the next run, neither held nor signed. No secret key: held, unless the tables are on
/// this machine (a local run).
/// </summary>
public sealed partial class BurnExecutor
{
    /// <summary>How the step ends when Stripe does not confirm the burn's payments; null when it does (sign).</summary>
    private async Task<StepOutcome?> UnconfirmedByStripeAsync(BurnIntent intent, ETag etag, CancellationToken cancellationToken)
    {
        SourceConfirmations answers;
        try
        {
            var named = await payments.GetAsync(intent.InvoiceId, intent.PaymentId, cancellationToken).ConfigureAwait(false);
            var (state, _) = await payments.GetStateAsync(intent.InvoiceId, cancellationToken).ConfigureAwait(false);
            answers = await confirmation.ConfirmAsync(intent.InvoiceId, intent.Currency, state, named is null ? [] : [named], cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            return await HoldAsync(intent, etag, $"held: the payments of {intent.InvoiceId} cannot be read ({ex.Message}), so Stripe cannot be asked about them", cancellationToken).ConfigureAwait(false);
        }

        if (answers.Refuted.FirstOrDefault() is ({ } source, { } refuted))
        {
            return await HoldAsync(intent, etag,
                $"held: Stripe does not confirm that {(source.Length == 0 ? "a payment naming no Stripe invoice" : source)} paid {intent.InvoiceId} ({refuted.Reason}: {refuted.Detail}); "
                + "nothing is burned for a payment Stripe does not confirm (ledger reconcile reports PaymentUnconfirmed once it is settled)", cancellationToken).ConfigureAwait(false);
        }

        if (answers.Unreachable is var (unasked, unreachable))
        {
            string reason = $"waiting: Stripe could not be asked whether {unasked} paid {intent.InvoiceId} ({unreachable.Detail}); nothing was signed, it is asked again on the next run";
            LogWaiting(logger, intent.Id, reason);
            return await SaveAsync(intent with { Reason = reason, UpdatedAt = time.GetUtcNow() }, etag, StepOutcome.Waiting, cancellationToken).ConfigureAwait(false);
        }

        return answers.NoKey
            ? await HoldAsync(intent, etag, $"held: cannot confirm with Stripe: no secret key ({StripeOptions.SectionName}:SecretKey); nothing is burned for payments only storage rows vouch for", cancellationToken).ConfigureAwait(false)
            : null;
    }
}

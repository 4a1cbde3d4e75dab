using Billing.Application.Payments;

namespace Billing.Application.Burns;

/// <summary>
/// Stripe is asked before a burn is signed (<see cref="PaymentConfirmation"/>), for the payment the burn names and every other
/// source the invoice's payment state counts: a burn row and the payment rows it is checked against (<c>BurnExecutor.Sources.cs</c>)
/// can all be planted, and a burn cannot be undone. It is asked once nothing in the rows or the book holds the burn, and they are
/// read again after its answer, before signing (<c>BurnExecutor.Credits.cs</c>), so a webhook recorded while Stripe was asked is
/// seen. Refuted: held with Stripe's answer. The charges that paid the invoice come with the answer: one Stripe reports disputed
/// (open or lost) or refunded beyond what the refund rows record holds the burn too, whatever the rows say (<see cref="StripeChargeHold"/>).
/// Unreachable: pending for the next run, neither held nor signed. No secret key: held, unless the tables are on this machine (a
/// local run). A burn held on Stripe's refutation is not asked about again until a payment of its invoice is recorded, finance
/// releases it, or <see cref="RefutationRecheck"/> passed: nothing it depends on changed, and planted burns must not drive
/// Stripe's rate limit.
/// </summary>
public sealed partial class BurnExecutor
{
    /// <summary>How long a burn held on Stripe's refutation stays so without asking Stripe again, if nothing of its invoice's payments changes.</summary>
    internal static readonly TimeSpan RefutationRecheck = TimeSpan.FromHours(1);

    private const string RefutedPrefix = "held: Stripe does not confirm that ";

    /// <summary>
    /// The row version (ETag) Stripe confirmed in the current drive (<see cref="DriveAsync"/>), carried to the version our own
    /// held → pending write makes: that pending pass does not ask again, while a row rewritten by anyone else is asked anew.
    /// </summary>
    private ETag? confirmedInThisDrive;

    /// <summary>How the step ends when Stripe does not confirm the burn's payments or holds it on a charge; null when it may be signed.</summary>
    private async Task<StepOutcome?> UnconfirmedByStripeAsync(BurnIntent intent, ETag etag, (BurnReleaseEvidence? Evidence, string? Why) proof, CancellationToken cancellationToken)
    {
        SourceConfirmations answers;
        try
        {
            var named = await payments.GetAsync(intent.InvoiceId, intent.PaymentId, cancellationToken).ConfigureAwait(false);
            if (await StillRefutedAsync(intent, cancellationToken).ConfigureAwait(false))
            {
                return StepOutcome.Waiting; // held as it was: no write, no request
            }

            var (state, _) = await payments.GetStateAsync(intent.InvoiceId, cancellationToken).ConfigureAwait(false);
            answers = await confirmation.ConfirmAsync(intent.InvoiceId, intent.Currency, state, named is null ? [] : [named], withCharges: true, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            return await HoldAsync(intent, etag, $"held: the payments of {intent.InvoiceId} cannot be read ({ex.Message}), so Stripe cannot be asked about them", cancellationToken).ConfigureAwait(false);
        }

        if (answers.Refuted.FirstOrDefault() is ({ } source, { } refuted))
        {
            string why = $"{RefutedPrefix}{(source.Length == 0 ? "a payment naming no Stripe invoice" : source)} paid {intent.InvoiceId} ({refuted.Reason}: {refuted.Detail}); "
                + "nothing is burned for a payment Stripe does not confirm (ledger reconcile reports PaymentUnconfirmed once it is settled)";
            return intent.Status == BurnStatus.Held && intent.Reason == why
                ? await SaveAsync(intent with { UpdatedAt = time.GetUtcNow() }, etag, StepOutcome.Waiting, cancellationToken).ConfigureAwait(false) // asked again: the next recheck counts from now
                : await HoldAsync(intent, etag, why, cancellationToken).ConfigureAwait(false);
        }

        if (answers.Unreachable is var (unasked, unreachable))
        {
            string reason = $"waiting: Stripe could not be asked whether {unasked} paid {intent.InvoiceId} ({unreachable.Detail}); nothing was signed, it is asked again on the next run";
            LogWaiting(logger, intent.Id, reason);
            return intent.Status == BurnStatus.Pending && intent.Reason == reason
                ? StepOutcome.Waiting
                : await SaveAsync(intent with { Status = BurnStatus.Pending, Reason = reason, UpdatedAt = time.GetUtcNow() }, etag, StepOutcome.Waiting, cancellationToken).ConfigureAwait(false);
        }

        if (answers.NoKey)
        {
            return await HoldAsync(intent, etag, $"held: cannot confirm with Stripe: no secret key ({StripeOptions.SectionName}:SecretKey); nothing is burned for payments only storage rows vouch for", cancellationToken).ConfigureAwait(false);
        }

        string? charged;
        try
        {
            // A released burn is compared with what was refunded when finance released it, as the book records it.
            charged = proof.Why ?? await StripeChargeHold.WhyAsync(refunds, answers.Charges, intent, proof.Evidence, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            charged = Unreadable(intent, ex);
        }

        return charged is null ? null : await HoldAsync(intent, etag, charged, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether the burn stays held on the refutation it has without asking Stripe again: held on it less than
    /// <see cref="RefutationRecheck"/> ago, and no payment of its invoice recorded since (a release makes it pending, so it is asked).
    /// A row stamped later than now (written outside the platform, or by an instance whose clock is ahead) is asked again: waiting
    /// for its time would hold the burn for as long as it says, and take every payment since for an older one.
    /// </summary>
    private async Task<bool> StillRefutedAsync(BurnIntent intent, CancellationToken cancellationToken)
    {
        var age = time.GetUtcNow() - intent.UpdatedAt;
        if (intent.Status != BurnStatus.Held || intent.Reason?.StartsWith(RefutedPrefix, StringComparison.Ordinal) != true
            || age >= RefutationRecheck || age < TimeSpan.Zero)
        {
            return false;
        }

        var recorded = await payments.ListAsync(intent.InvoiceId, cancellationToken).ConfigureAwait(false);
        return !recorded.Any(p => p.ReceivedAt > intent.UpdatedAt);
    }
}

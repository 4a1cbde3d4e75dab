namespace Billing.Application.Burns;

/// <summary>How one intent's step ended, reading its row (and what ends it when the row cannot be read), and failing it.</summary>
public sealed partial class BurnExecutor
{
    private enum StepOutcome
    {
        Done,      // finalized, failed or skipped: move on
        Waiting,   // pending for a reason (price, balance): others may proceed
        InFlight,  // signed/submitted and not final yet: nothing else may be sent
    }

    /// <summary>The stored intent; a row that cannot be read is an <see cref="IntentUnreadableException"/>, told apart from other bad data.</summary>
    private async Task<(BurnIntent Intent, ETag ETag)?> ReadAsync(string burnId, CancellationToken cancellationToken)
    {
        try
        {
            return await burns.GetAsync(burnId, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            throw new IntentUnreadableException(ex);
        }
    }

    /// <summary>The intent's row cannot be read (<see cref="BurnStore.GetAsync"/>); the inner exception says why.</summary>
    private sealed class IntentUnreadableException(InvalidDataException inner) : Exception(inner.Message, inner);

    /// <summary>Pending → failed (never a signed or submitted intent: its bytes may still land).</summary>
    private async Task<StepOutcome> FailAsync(string burnId, string reason, CancellationToken cancellationToken)
    {
        (BurnIntent Intent, ETag ETag)? stored;
        try
        {
            stored = await ReadAsync(burnId, cancellationToken).ConfigureAwait(false);
        }
        catch (IntentUnreadableException ex)
        {
            LogUnreadable(logger, burnId, ex.Message);
            return StepOutcome.Waiting;
        }

        if (stored is not var (intent, etag) || intent.Status != BurnStatus.Pending)
        {
            return StepOutcome.Waiting;
        }

        var failed = intent with { Status = BurnStatus.Failed, Reason = reason, UpdatedAt = time.GetUtcNow() };
        return await SaveAsync(failed, etag, StepOutcome.Done, cancellationToken).ConfigureAwait(false) ?? StepOutcome.Waiting;
    }
}

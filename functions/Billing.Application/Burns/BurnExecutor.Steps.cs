using Azure;

namespace Billing.Application.Burns;

/// <summary>How one intent's step ended, and what ends it when the intent's row cannot be read.</summary>
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
}

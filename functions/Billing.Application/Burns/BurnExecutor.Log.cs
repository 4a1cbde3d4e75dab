namespace Billing.Application.Burns;

/// <summary>What <see cref="BurnExecutor"/> logs, and the transition counter beside it.</summary>
public sealed partial class BurnExecutor
{
    private static void LogTransition(ILogger logger, string burnId, string from, string to, string signature)
    {
        BurnTelemetry.Transitions.Add(1, new KeyValuePair<string, object?>("from", from), new KeyValuePair<string, object?>("to", to));
        LogTransitionCore(logger, burnId, from, to, signature);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Burn {BurnId}: {From} → {To} ({Signature})")]
    private static partial void LogTransitionCore(ILogger logger, string burnId, string from, string to, string signature);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Burn {BurnId} (unsigned): amount corrected from {FromMinor} to {ToMinor} minor units, what its invoice's payments and pre-payment credit notes leave to burn")]
    private static partial void LogAmountCorrected(ILogger logger, string burnId, long fromMinor, long toMinor);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Burn {BurnId} waits: {Reason}")]
    private static partial void LogWaiting(ILogger logger, string burnId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Burn {BurnId}: transaction {Signature} expired unlanded (lastValidBlockHeight {Height}); it will be re-signed")]
    private static partial void LogExpired(ILogger logger, string burnId, string signature, ulong height);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The executor lease of treasury {Treasury} could not be read ({Reason}); it was taken over as expired")]
    private static partial void LogLeaseUnreadable(ILogger logger, string treasury, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Burn {BurnId} landed ({Signature}) but cannot be booked: {Reason}. It stays in flight, and no other burn is sent, until the ledger is repaired; run ledger verify")]
    private static partial void LogNotBooked(ILogger logger, string burnId, string signature, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Burn {BurnId}: {Reason}; repair its row from the chain (or list the earlier treasury key that signed it in Billing:Burns:RetiredTreasuryOwners), then it is booked")]
    private static partial void LogLandedMismatch(ILogger logger, string burnId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Burn {BurnId}: {Reason}")]
    private static partial void LogStaysInFlight(ILogger logger, string burnId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Burn {BurnId}: {Signature} is final by its status but the node does not serve the transaction yet; booked on a later run")]
    private static partial void LogLandedNotFetched(ILogger logger, string burnId, string signature);

    [LoggerMessage(Level = LogLevel.Error, Message = "Burn {BurnId} cannot be read ({Reason}): it is not executed and the others go on; its row was not written by this platform")]
    private static partial void LogUnreadable(ILogger logger, string burnId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Burn {BurnId} cannot be read but carries a signature: it may be in flight, so no other burn is signed until its row is repaired")]
    private static partial void LogUnreadableInFlight(ILogger logger, string burnId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Burn {BurnId} cannot be executed; it is marked failed and the others go on")]
    private static partial void LogFailedDeterministic(ILogger logger, Exception exception, string burnId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Burn {BurnId}: transient error; retried on the next run")]
    private static partial void LogTransientError(ILogger logger, Exception exception, string burnId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Burn lease for treasury {Treasury} is held by another executor")]
    private static partial void LogLeaseBusy(ILogger logger, string treasury);
}

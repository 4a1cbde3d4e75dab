namespace Billing.Functions.ClosePeriods;

/// <summary>
/// Daily timer: closes the previous month once its grace period has passed, and before it the two months before that if
/// they have no close record (a close that crashed and was never retried). Re-running is harmless.
/// </summary>
public sealed partial class ClosePeriodsFunction(PeriodCloser closer, InvoiceStore invoices, IOptions<InvoicingOptions> options, TimeProvider time, ILogger<ClosePeriodsFunction> logger)
    : IInvocationFunction
{
    public static string Name => "ClosePeriods";

    public async Task<InvocationResponse> InvokeAsync(InvocationRequest invocation, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var previous = BillingPeriod.Containing(now).Previous;
        if (now < previous.End + options.Value.CloseGrace)
        {
            LogWaiting(logger, previous, previous.End + options.Value.CloseGrace);
            return new InvocationResponse { ReturnValue = new JsonObject { ["period"] = previous.ToString(), ["closed"] = false } };
        }

        foreach (var unfinished in new[] { previous.Previous.Previous, previous.Previous })
        {
            bool closed;
            try
            {
                closed = await invoices.GetCloseAsync(unfinished, cancellationToken).ConfigureAwait(false) is not null;
            }
            catch (InvalidDataException ex)
            {
                LogNotClosed(logger, unfinished, ex.Message); // a close record changed outside the platform holds only its own month
                continue;
            }

            if (!closed)
            {
                await TryCloseAsync(unfinished, cancellationToken).ConfigureAwait(false);
            }
        }

        var result = await TryCloseAsync(previous, cancellationToken).ConfigureAwait(false);
        return new InvocationResponse
        {
            ReturnValue = new JsonObject { ["period"] = previous.ToString(), ["closed"] = result is not null, ["invoices"] = result?.Invoices.Count ?? 0 },
        };
    }

    private async Task<PeriodCloseResult?> TryCloseAsync(BillingPeriod period, CancellationToken cancellationToken)
    {
        try
        {
            return await closer.CloseAsync(period, force: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is PeriodRefusedException or CloseInProgressException or CloseRecordUnreadableException or InvalidDataException)
        {
            LogNotClosed(logger, period, ex.Message);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Period {Period} stays open until its grace period ends at {GraceEnd:u}")]
    private static partial void LogWaiting(ILogger logger, BillingPeriod period, DateTimeOffset graceEnd);

    [LoggerMessage(Level = LogLevel.Information, Message = "Period {Period} not closed by the timer: {Reason}")]
    private static partial void LogNotClosed(ILogger logger, BillingPeriod period, string reason);
}

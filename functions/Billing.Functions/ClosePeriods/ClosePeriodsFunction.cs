using System.Text.Json.Nodes;
using Billing.Domain;
using Billing.Functions.HostProtocol;
using Billing.Functions.Invoicing;
using Microsoft.Extensions.Options;

namespace Billing.Functions.ClosePeriods;

/// <summary>Daily timer: closes the previous month once its grace period has passed. Re-running is harmless.</summary>
public sealed partial class ClosePeriodsFunction(PeriodCloser closer, IOptions<InvoicingOptions> options, TimeProvider time, ILogger<ClosePeriodsFunction> logger)
{
    public const string Name = "ClosePeriods";

    public async Task<InvocationResponse> InvokeAsync(InvocationRequest invocation, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var previous = BillingPeriod.Containing(now).Previous;
        if (now < previous.End + options.Value.CloseGrace)
        {
            LogWaiting(logger, previous.ToString(), previous.End + options.Value.CloseGrace);
            return new InvocationResponse { ReturnValue = new JsonObject { ["period"] = previous.ToString(), ["closed"] = false } };
        }

        var invoices = await closer.CloseAsync(previous, cancellationToken).ConfigureAwait(false);
        return new InvocationResponse { ReturnValue = new JsonObject { ["period"] = previous.ToString(), ["closed"] = true, ["invoices"] = invoices.Count } };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Period {Period} stays open until its grace period ends at {GraceEnd:u}")]
    private static partial void LogWaiting(ILogger logger, string period, DateTimeOffset graceEnd);
}

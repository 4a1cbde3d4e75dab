using Billing.Functions.HostProtocol;
using Billing.Functions.Infrastructure;

namespace Billing.Functions.IngestUsage;

/// <summary>Adapter for the IngestUsage invocation: host payload in, HTTP response and eventHub outputs out.</summary>
public sealed partial class IngestUsageFunction(PartnerDirectory partners, UsageIngestion ingestion, ILogger<IngestUsageFunction> logger)
{
    public const string Name = "IngestUsage";

    public async Task<InvocationResponse> InvokeAsync(InvocationRequest invocation, CancellationToken cancellationToken)
    {
        var req = HttpTriggerRequest.From(invocation.Binding("req"));
        var response = new InvocationResponse();
        var caller = await partners.AuthenticateAsync(req.Headers.GetValueOrDefault(PartnerDirectory.ApiKeyHeader), cancellationToken).ConfigureAwait(false);
        if (caller is null)
        {
            var problem = Problem.Unauthorized();
            return response.Http("res", problem.Status, problem.ToJson(), Problem.ContentType);
        }

        using var activity = BillingTelemetry.Source.StartActivity("IngestUsage");
        activity?.SetTag("billing.partner", caller.Id);
        var outcome = ingestion.Ingest(caller, req.Headers, req.Body);
        BillingTelemetry.EventsAccepted.Add(outcome.CarrierEvents.Count, new KeyValuePair<string, object?>("type", "depin.carrier.offload.v1"));
        BillingTelemetry.EventsAccepted.Add(outcome.ComputeEvents.Count, new KeyValuePair<string, object?>("type", "depin.compute.usage.v1"));
        BillingTelemetry.EventsRejected.Add(outcome.Rejected, new KeyValuePair<string, object?>("partner", caller.Id));
        LogIngested(logger, caller.Id, outcome.Status, outcome.CarrierEvents.Count, outcome.ComputeEvents.Count);
        return response
            .Http("res", outcome.Status, outcome.Body, outcome.ContentType)
            .Messages("carrierOffload", outcome.CarrierEvents)
            .Messages("computeUsage", outcome.ComputeEvents);
    }

    /// <summary>
    /// The answer to an invocation too large to hold a body within the limit (see <see cref="HandlerLimits.MaxIngestInvocationBytes"/>):
    /// 413, nothing published. Answered by the handler itself, so any host that forwards the request gets the same.
    /// </summary>
    public static InvocationResponse TooLarge()
    {
        var problem = new Problem(413, "Payload too large", $"the request is larger than the limit of {Billing.Domain.Events.EventLimits.MaxRequestBytes} bytes (1 MiB)");
        return new InvocationResponse()
            .Http("res", problem.Status, problem.ToJson(), Problem.ContentType)
            .Messages("carrierOffload", [])
            .Messages("computeUsage", []);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Usage from {Partner}: {Status}, {Carrier} carrier and {Compute} compute events accepted")]
    private static partial void LogIngested(ILogger logger, string partner, int status, int carrier, int compute);
}

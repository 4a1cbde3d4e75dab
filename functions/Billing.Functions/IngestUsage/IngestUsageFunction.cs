using Billing.Application.Ingestion;
using Billing.Application.Partners;
using Billing.Application.Telemetry;
using Billing.Domain.Events;
using Billing.Functions.HostProtocol;
using Billing.Functions.Infrastructure;

namespace Billing.Functions.IngestUsage;

/// <summary>
/// Adapter for the IngestUsage invocation (httpTrigger with eventHub outputs, so it is not forwarded as plain HTTP):
/// host payload in; authentication, the use case, and its answer and hub messages out.
/// </summary>
public sealed partial class IngestUsageFunction(PartnerDirectory partners, UsageIngestion ingestion, ILogger<IngestUsageFunction> logger)
{
    public const string Name = "IngestUsage";

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapPost("/" + Name, (HttpRequest r, IngestUsageFunction f, CancellationToken ct) =>
            InvocationEndpoint.InvokeAsync(r, f.InvokeAsync, ct, HandlerLimits.MaxIngestInvocationBytes, TooLarge));

    public async Task<InvocationResponse> InvokeAsync(InvocationRequest invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
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
        var answer = IngestAnswer.From(outcome);
        BillingTelemetry.EventsAccepted.Add(outcome.CarrierEvents.Count, new KeyValuePair<string, object?>("type", EventTypes.CarrierOffloadV1));
        BillingTelemetry.EventsAccepted.Add(outcome.ComputeEvents.Count, new KeyValuePair<string, object?>("type", EventTypes.ComputeUsageV1));
        BillingTelemetry.EventsRejected.Add(outcome.Rejected.Count, new KeyValuePair<string, object?>("partner", caller.Id));
        LogIngested(logger, caller.Id, answer.Status, outcome.CarrierEvents.Count, outcome.ComputeEvents.Count);
        return response
            .Http("res", answer.Status, answer.Body, answer.ContentType)
            .Messages("carrierOffload", answer.CarrierEvents)
            .Messages("computeUsage", answer.ComputeEvents);
    }

    /// <summary>
    /// The answer to an invocation too large to hold a body within the limit (see <see cref="HandlerLimits.MaxIngestInvocationBytes"/>):
    /// 413, nothing published. Answered by the handler itself, so any host that forwards the request gets the same.
    /// </summary>
    public static InvocationResponse TooLarge()
    {
        var problem = new Problem(413, "Payload too large", $"the request is larger than the limit of {EventLimits.MaxRequestBytes} bytes (1 MiB)");
        return new InvocationResponse()
            .Http("res", problem.Status, problem.ToJson(), Problem.ContentType)
            .Messages("carrierOffload", [])
            .Messages("computeUsage", []);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Usage from {Partner}: {Status}, {Carrier} carrier and {Compute} compute events accepted")]
    private static partial void LogIngested(ILogger logger, string partner, int status, int carrier, int compute);
}

using Billing.Publishing;

namespace Billing.Functions.IngestUsage;

/// <summary>
/// POST /api/v1/usage (carriers and compute providers). HTTP-only, so the host forwards the raw request; the use case
/// validates and publishes (payer-keyed, confirmed by the hub) before this answers 202. The body is read up to the
/// request limit and no further: a larger one is 413 without being parsed.
/// </summary>
public sealed partial class IngestUsageFunction(UsageIngestion ingestion, ILogger<IngestUsageFunction> logger)
{
    public const string Route = "/api/v1/usage";

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapPost(Route, (HttpContext http, IngestUsageFunction f, CancellationToken ct) => f.InvokeAsync(http, ct))
            .WithName("IngestUsage")
            .RequireRoles(UsageIngestion.ForbiddenDetail, PartnerRole.Carrier, PartnerRole.Provider)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                // Described, not declared with Accepts: Accepts metadata would make routing refuse other content types
                // before the use case can answer them with its own 415 problem.
                operation.RequestBody = RequestBody();
                return Task.CompletedTask;
            })
            .Produces<UsageAcceptedResponse>(StatusCodes.Status202Accepted)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status503ServiceUnavailable);

    public async Task<Results<JsonHttpResult<UsageAcceptedResponse>, JsonHttpResult<ApiProblem>>> InvokeAsync(HttpContext http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        var caller = http.Caller();
        var bytes = await BoundedRequestBody.ReadAsync(http.Request, EventLimits.MaxRequestBytes, HandlerLimits.MaxIngestRequestBytes, cancellationToken).ConfigureAwait(false);
        if (bytes is not { } body)
        {
            return IngestAnswer.From(UsageIngestion.TooLarge($"the request is larger than the limit of {EventLimits.MaxRequestBytes} bytes (1 MiB)"));
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in http.Request.Headers)
        {
            headers[name] = values.ToString();
        }

        using var activity = BillingTelemetry.Source.StartActivity("IngestUsage");
        activity?.SetTag("billing.partner", caller.Id);
        var outcome = await ingestion.IngestAsync(caller, headers, body, cancellationToken).ConfigureAwait(false);
        LogIngested(logger, caller.Id, outcome.Refusal?.Kind, outcome.Accepted, outcome.Rejected.Count);
        if (outcome.Refusal?.Kind == IngestRefusalKind.Unavailable)
        {
            http.Response.Headers.RetryAfter = IngestAnswer.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return IngestAnswer.From(outcome);
    }

    private static OpenApiRequestBody RequestBody() => new()
    {
        Required = true,
        Description = "One CloudEvent (application/cloudevents+json), a batch (application/cloudevents-batch+json, a JSON array), "
            + "either as plain application/json, or one event in binary mode (ce-* headers, the event's data as the body). At most 1 MiB and 1,000 events, "
            + "UTF-8 (otherwise 400, field $). An event repeating an earlier (source, id) of the same request with other content is rejected (field id); "
            + "the same event repeated unchanged is counted once.",
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/cloudevents+json"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.Object } },
            ["application/cloudevents-batch+json"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.Object } } },
            ["application/json"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.Object | JsonSchemaType.Array } },
        },
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Usage from {Partner}: refused {Refusal}, {Accepted} events accepted, {Rejected} rejected")]
    private static partial void LogIngested(ILogger logger, string partner, IngestRefusalKind? refusal, int accepted, int rejected);
}

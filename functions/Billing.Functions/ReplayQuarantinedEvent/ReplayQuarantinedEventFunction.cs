using Billing.Functions.ListQuarantine;

namespace Billing.Functions.ReplayQuarantinedEvent;

/// <summary>
/// POST /api/v1/quarantine/{id}/replay (finance): put a quarantined event back through metering (<see cref="QuarantineReplayer"/>).
/// 200 when it counts (metered now, or already); 409 for a conflict (the first version counts), an overlap (another event
/// of the lease counts for its interval) or an event with nothing to replay; 422 when it is still not meterable, naming each field and reason; 503 with Retry-After on a transient
/// storage failure (replaying again is safe: the fact dedup counts it once).
/// </summary>
public sealed class ReplayQuarantinedEventFunction(QuarantineReplayer replayer)
{
    public const int RetryAfterSeconds = 5;

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/quarantine/{id}/replay", (HttpContext http, string id, ReplayQuarantinedEventFunction f, CancellationToken ct) => f.InvokeAsync(http, id, ct))
            .WithName("ReplayQuarantinedEvent").Produces<QuarantineReplayResponse>()
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status503ServiceUnavailable)
            .RequireRoles("only finance may replay quarantined events", PartnerRole.Finance);

    public async Task<Results<JsonHttpResult<QuarantineReplayResponse>, JsonHttpResult<ApiProblem>>> InvokeAsync(HttpContext http, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ReplayResult? result;
        try
        {
            result = await replayer.ReplayAsync(id, http.Caller().Id, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (!StorageFailure.IsDeterministic(ex))
        {
            http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return new Problem(503, "Storage unavailable", $"{StorageFailure.Describe(ex)}; replay again (it counts the event once)").ToResult();
        }

        if (result is null)
        {
            return ApiProblems.NotFound($"no quarantined event '{id}'");
        }

        var view = QuarantineViews.View(result.Entry);
        string outcome = result.Outcome.ToString().ToLowerInvariant();
        var errors = result.Reasons.Select(r => new FieldError(r.Field, r.Reason)).ToArray();
        var extensions = new Dictionary<string, JsonElement> { ["outcome"] = JsonSerializer.SerializeToElement(outcome, BillingJsonContext.Default.String) };
        return result.Outcome switch
        {
            ReplayOutcome.Metered => ApiResults.Json(new QuarantineReplayResponse(outcome, "metered: the event counts from now on, in the usage of its own time", view), BillingJsonContext.Default.QuarantineReplayResponse),
            ReplayOutcome.Duplicate => ApiResults.Json(new QuarantineReplayResponse(outcome, "already counted: its (source, id) was metered with this content; nothing was counted again", view), BillingJsonContext.Default.QuarantineReplayResponse),
            ReplayOutcome.Conflict => new Problem(409, "Conflict: the first version counts", "a differing version of a metered event is never replayed over it", errors, extensions).ToResult(),
            ReplayOutcome.Overlap => new Problem(409, "Overlap: this usage counts under another event", "its interval (a lease's) or window (a carrier session's) overlaps one another event's claimed first; that one counts", errors, extensions).ToResult(),
            ReplayOutcome.Refused => new Problem(409, "Not replayable", "there is nothing metering could count in this event", errors, extensions)
            {
                // A row this platform did not write (planted): stored data that cannot be read, typed as such.
                Type = errors.Any(e => e.Field == "kind") ? ApiProblem.StorageIntegrityType : null,
            }.ToResult(),
            _ => new Problem(422, "Still not meterable", $"still {outcome}: it stays quarantined with these reasons", errors, extensions).ToResult(),
        };
    }
}

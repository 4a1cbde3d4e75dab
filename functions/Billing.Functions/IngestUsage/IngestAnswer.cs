namespace Billing.Functions.IngestUsage;

/// <summary>
/// The HTTP answer to POST /api/v1/usage, mapped from the use case's typed <see cref="IngestOutcome"/>: 202 with
/// <see cref="UsageAcceptedResponse"/>, or problem+json (403, 413, 415, 400 — "No event accepted" carries the
/// rejections — and 503 when publishing failed, with nothing accepted).
/// </summary>
public static class IngestAnswer
{
    /// <summary>Seconds a partner should wait before resending after a 503.</summary>
    public const int RetryAfterSeconds = 5;

    public static Results<JsonHttpResult<UsageAcceptedResponse>, JsonHttpResult<ApiProblem>> From(IngestOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var rejected = outcome.Rejected.Select(r => new RejectedEvent(r.Index, r.Id, r.Errors.Select(e => e.ToString()).ToList())).ToList();
        if (outcome.Refusal is not { } refusal)
        {
            return TypedResults.Json(new UsageAcceptedResponse(outcome.Accepted, rejected), BillingJsonContext.Default.UsageAcceptedResponse, "application/json", StatusCodes.Status202Accepted);
        }

        return ToProblem(refusal, rejected).ToResult();
    }

    private static Problem ToProblem(IngestRefusal refusal, IReadOnlyList<RejectedEvent> rejected)
    {
        var errors = refusal.Errors.Select(e => new FieldError(e.Field, e.Reason)).ToList();
        return refusal.Kind switch
        {
            IngestRefusalKind.Forbidden => Problem.Forbidden(refusal.Detail),
            IngestRefusalKind.TooLarge => new Problem(413, "Payload too large", refusal.Detail, errors),
            IngestRefusalKind.UnsupportedMediaType => new Problem(415, "Unsupported media type", refusal.Detail, errors),
            IngestRefusalKind.Malformed => new Problem(400, "Bad request", refusal.Detail, errors),
            IngestRefusalKind.NoEventAccepted => new Problem(400, "No event accepted", refusal.Detail, errors, new Dictionary<string, JsonElement>
            {
                ["accepted"] = JsonSerializer.SerializeToElement(0, BillingJsonContext.Default.Int32),
                ["rejected"] = JsonSerializer.SerializeToElement(rejected, BillingJsonContext.Default.IReadOnlyListRejectedEvent),
            }),
            IngestRefusalKind.Unavailable => new Problem(503, "Try again", refusal.Detail),
            _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal.Kind, "unknown refusal"),
        };
    }
}

using Billing.Functions.LedgerEntriesHttp;

namespace Billing.Functions.AcknowledgeFinding;

/// <summary>
/// POST /api/v1/ledger/reconcile/acknowledgements (finance): finance's word that a reconcile finding was settled outside the
/// platform (<see cref="ReconcileAcknowledger"/>). → the findings acknowledged (200; <c>replay</c> when acknowledged before);
/// 404 reconcile reports no such finding now; 409 a kind that is not settled outside, or a detail other than the one the
/// caller saw (<c>detailSha256</c>).
/// </summary>
public static class AcknowledgeFindingFunction
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/ledger/reconcile/acknowledgements", HandleAsync).WithName("AcknowledgeReconcileFinding")
            .Produces<AcknowledgeFindingResponse>()
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status500InternalServerError)
            .RequireRoles("only finance may acknowledge reconcile findings", PartnerRole.Finance)
            .AcceptsJson<AcknowledgeFindingRequest>(); // after RequireRoles: 401 and 403 before 415

    public static async Task<Results<JsonHttpResult<AcknowledgeFindingResponse>, JsonHttpResult<ApiProblem>>> HandleAsync(
        HttpContext http, ReconcileAcknowledger acknowledger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        var (request, errors) = await ReadAsync(http.Request, cancellationToken).ConfigureAwait(false);
        if (request is null)
        {
            return ApiProblems.BadRequest("invalid acknowledgement", [.. errors]);
        }

        AcknowledgeResult result;
        try
        {
            result = await acknowledger.AcknowledgeAsync(request.Kind, request.Subject, request.DetailSha256, request.Note.Trim(), http.Caller().Id, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            return ApiProblems.StorageIntegrity("Stored row unreadable",
                $"the finding is not acknowledged: a row of the ledger cannot be read ({ex.Message})");
        }

        return result.Outcome switch
        {
            AcknowledgeOutcome.Acknowledged or AcknowledgeOutcome.AlreadyAcknowledged => ApiResults.Json(
                new AcknowledgeFindingResponse([.. result.Findings.Select(LedgerContract.ToFinding)], result.Outcome == AcknowledgeOutcome.AlreadyAcknowledged),
                BillingJsonContext.Default.AcknowledgeFindingResponse),
            AcknowledgeOutcome.NotFound => ApiProblems.NotFound(result.Detail),
            AcknowledgeOutcome.DetailChanged => ApiProblems.Of(StatusCodes.Status409Conflict, "Finding changed", result.Detail, new ApiFieldError("detailSha256", result.Detail)),
            _ => ApiProblems.Of(StatusCodes.Status409Conflict, "Not acknowledged", result.Detail, new ApiFieldError("kind", result.Detail)),
        };
    }

    /// <summary>The body: four string fields, every mistake naming its field; an unknown field is refused rather than ignored.</summary>
    private static async Task<(AcknowledgeFindingRequest? Request, List<ApiFieldError> Errors)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (fields, errors) = await PartnerRequests.ReadAsync(request, ["kind", "subject", "detailSha256", "note"], [], cancellationToken).ConfigureAwait(false);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        string? kind = Text(fields, "kind", LedgerValidation.MaxMetadataValueLength, "the finding's kind as reconcile lists it", errors);
        string? subject = Text(fields, "subject", LedgerValidation.MaxMetadataValueLength, "the finding's subject as reconcile lists it", errors);
        string? digest = Text(fields, "detailSha256", 64, "the start (at least 8 hex digits) of the finding's detailSha256 as reconcile listed it to you", errors);
        if (digest is not null && !ReconcileAcknowledgement.IsDigestPrefix(digest))
        {
            errors.Add(new("detailSha256", "must be 8 to 64 lower-case hex digits: the start of the finding's detailSha256 as reconcile listed it to you"));
        }

        string? note = Text(fields, "note", ReconcileAcknowledgement.MaxNoteChars, "why the finding needs nothing more from the platform, on one line (no control characters)", errors);
        if (note is not null && note.Any(char.IsControl))
        {
            errors.Add(new("note", $"must be a reason of 1 to {ReconcileAcknowledgement.MaxNoteChars} characters on one line (no control characters)"));
        }

        return errors.Count == 0 ? (new AcknowledgeFindingRequest(kind!, subject!, digest!, note!), errors) : (null, errors);
    }

    /// <summary>A required field of 1 to <paramref name="maxChars"/> well-formed characters (counted trimmed), or null with the field's error.</summary>
    private static string? Text(Dictionary<string, string?> fields, string name, int maxChars, string what, List<ApiFieldError> errors)
    {
        if (!fields.TryGetValue(name, out string? text))
        {
            errors.Add(new(name, $"is required: {what}"));
            return null;
        }

        if (!string.IsNullOrWhiteSpace(text) && text.Trim().Length <= maxChars && LedgerValidation.IsWellFormed(text))
        {
            return text;
        }

        errors.Add(new(name, $"must be a string of 1 to {maxChars} characters: {what}"));
        return null;
    }
}

using Billing.Functions.LedgerEntriesHttp;

namespace Billing.Functions.AcknowledgeFinding;

/// <summary>
/// POST /api/v1/ledger/reconcile/acknowledgements (finance): finance's word that a reconcile finding was settled outside the
/// platform (<see cref="ReconcileAcknowledger"/>). → the findings acknowledged (200; <c>replay</c> when acknowledged before);
/// 404 reconcile reports no such finding now; 409 a kind that a repair or the platform settles.
/// </summary>
public static class AcknowledgeFindingFunction
{
    private const int MaxBodyChars = 16 * 1024;

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/ledger/reconcile/acknowledgements", HandleAsync).WithName("AcknowledgeReconcileFinding")
            .Accepts<AcknowledgeFindingRequest>("application/json")
            .Produces<AcknowledgeFindingResponse>()
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status500InternalServerError)
            .RequireRoles("only finance may acknowledge reconcile findings", PartnerRole.Finance);

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
            result = await acknowledger.AcknowledgeAsync(request.Kind, request.Subject, request.Note.Trim(), http.Caller().Id, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            return ApiProblems.Of(StatusCodes.Status500InternalServerError, "Stored row unreadable",
                $"the finding is not acknowledged: a row of the ledger cannot be read ({ex.Message}); run ledger verify");
        }

        return result.Outcome switch
        {
            AcknowledgeOutcome.Acknowledged or AcknowledgeOutcome.AlreadyAcknowledged => ApiResults.Json(
                new AcknowledgeFindingResponse([.. result.Findings.Select(LedgerContract.ToFinding)], result.Outcome == AcknowledgeOutcome.AlreadyAcknowledged),
                BillingJsonContext.Default.AcknowledgeFindingResponse),
            AcknowledgeOutcome.NotFound => ApiProblems.NotFound(result.Detail),
            _ => ApiProblems.Of(StatusCodes.Status409Conflict, "Not acknowledged", result.Detail, new ApiFieldError("kind", result.Detail)),
        };
    }

    /// <summary>The body, field by field so every mistake names its field; unknown fields are refused rather than ignored.</summary>
    private static async Task<(AcknowledgeFindingRequest? Request, List<ApiFieldError> Errors)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var errors = new List<ApiFieldError>();
        if (await RequestBody.ReadAsync(request, MaxBodyChars, cancellationToken).ConfigureAwait(false) is not { } body)
        {
            errors.Add(new("$", $"the body is larger than {MaxBodyChars} characters"));
            return (null, errors);
        }

        try
        {
            using var document = JsonText.ParseStrict(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new("$", "must be a JSON object"));
                return (null, errors);
            }

            var root = document.RootElement;
            foreach (var property in root.EnumerateObject().Where(p => p.Name is not ("kind" or "subject" or "note")))
            {
                errors.Add(new(property.Name, "is not a field of this request; fields: kind, subject, note"));
            }

            string? kind = Text(root, "kind", LedgerValidation.MaxMetadataValueLength, "the finding's kind as reconcile lists it", errors);
            string? subject = Text(root, "subject", LedgerValidation.MaxMetadataValueLength, "the finding's subject as reconcile lists it", errors);
            string? note = Text(root, "note", ReconcileAcknowledgement.MaxNoteChars, "why the finding needs nothing more from the platform, on one line (no control characters)", errors);
            if (note is not null && note.Any(char.IsControl))
            {
                errors.Add(new("note", $"must be a reason of 1 to {ReconcileAcknowledgement.MaxNoteChars} characters on one line (no control characters)"));
            }

            return errors.Count == 0 ? (new AcknowledgeFindingRequest(kind!, subject!, note!), errors) : (null, errors);
        }
        catch (JsonException)
        {
            errors.Add(new("$", "must be a JSON object (valid JSON, no duplicate fields)"));
            return (null, errors);
        }
    }

    /// <summary>A required string field of 1 to <paramref name="maxChars"/> well-formed characters (the note counted trimmed), or null with the field's error.</summary>
    private static string? Text(JsonElement root, string name, int maxChars, string what, List<ApiFieldError> errors)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            errors.Add(new(name, $"is required: {what}"));
            return null;
        }

        string? text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        if (!string.IsNullOrWhiteSpace(text) && text.Trim().Length <= maxChars && LedgerValidation.IsWellFormed(text))
        {
            return text;
        }

        errors.Add(new(name, $"must be a string of 1 to {maxChars} characters: {what}"));
        return null;
    }
}

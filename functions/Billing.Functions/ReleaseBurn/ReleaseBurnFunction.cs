using Billing.Functions.ListBurns;

namespace Billing.Functions.ReleaseBurn;

/// <summary>
/// POST /api/v1/burns/{id}/release (finance): finance's decision on a burn held because money of its invoice went back
/// (<see cref="BurnReleaser"/>). → the burn; 404 no such burn; 409 not held, more than the invoice kept, released
/// <see cref="BurnReleaser.MaxReleases"/> times already, or the ledger books a release of the burn off its row that cannot be
/// completed (dated after now, or for another invoice).
/// </summary>
public static class ReleaseBurnFunction
{
    private const int MaxBodyChars = 16 * 1024;

    // No invoice comes near it; it only keeps a planted figure from reaching the store.
    private const long MaxAmountMinor = 1_000_000_000_000;

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/burns/{id}/release", HandleAsync).WithName("ReleaseBurn")
            .Produces<BurnView>()
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status500InternalServerError)
            .RequireRoles("only finance may release burns", PartnerRole.Finance)
            .AcceptsJson<ReleaseBurnRequest>(); // after RequireRoles: 401 and 403 before 415

    public static async Task<Results<JsonHttpResult<BurnView>, JsonHttpResult<ApiProblem>>> HandleAsync(
        HttpContext http, string id, BurnReleaser releaser, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        var (request, errors) = await ReadAsync(http.Request, cancellationToken).ConfigureAwait(false);
        if (request is null)
        {
            return ApiProblems.BadRequest("invalid release", [.. errors]);
        }

        BurnReleaseResult result;
        try
        {
            result = await releaser.ReleaseAsync(id, request.AmountMinor, request.Note.Trim(), http.Caller().Id, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            return ApiProblems.StorageIntegrity("Stored row unreadable",
                $"burn '{id}' is not released: a row of it, or of its invoice's payments, credit notes or refunds, cannot be read ({ex.Message})");
        }

        return result.Outcome switch
        {
            BurnReleaseOutcome.Released => ApiResults.Json(ListBurnsFunction.ToView(result.Burn!), BillingJsonContext.Default.BurnView),
            BurnReleaseOutcome.NotFound => ApiProblems.NotFound(result.Detail),
            BurnReleaseOutcome.ExceedsKept => ApiProblems.Of(StatusCodes.Status409Conflict, "More than can be burned", result.Detail, new ApiFieldError("amountMinor", result.Detail)),
            BurnReleaseOutcome.TooManyReleases => ApiProblems.Of(StatusCodes.Status409Conflict, "Released too often", result.Detail),
            BurnReleaseOutcome.Conflict => ApiProblems.Of(StatusCodes.Status409Conflict, "Release booked otherwise", result.Detail),
            _ => ApiProblems.Of(StatusCodes.Status409Conflict, "Burn not held", result.Detail),
        };
    }

    /// <summary>The body, field by field so every mistake names its field; unknown fields are refused rather than ignored.</summary>
    private static async Task<(ReleaseBurnRequest? Request, List<ApiFieldError> Errors)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var errors = new List<ApiFieldError>();
        using var document = await RequestBody.ReadObjectAsync(request, MaxBodyChars, errors, cancellationToken).ConfigureAwait(false);
        if (document is null)
        {
            return (null, errors);
        }

        long? amount = null;
        string? note = null;
        foreach (var property in document.RootElement.EnumerateObject())
        {
            switch (property.Name)
            {
                case "amountMinor" when property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt64(out long minor) && minor is >= 0 and <= MaxAmountMinor:
                    amount = minor;
                    break;
                case "amountMinor":
                    errors.Add(new("amountMinor", $"must be a whole number of minor units from 0 to {MaxAmountMinor}"));
                    break;
                case "note" when property.Value.ValueKind == JsonValueKind.String && !JsonText.TryGetString(property.Value, out _):
                    errors.Add(new("note", JsonText.NotUnicodeText)); // "\ud800": JSON, but no text
                    break;
                case "note" when property.Value.ValueKind == JsonValueKind.String && property.Value.GetString() is { } text && !string.IsNullOrWhiteSpace(text)
                                 && text.Trim().Length <= BurnReleaser.MaxNoteChars && !text.Any(char.IsControl):
                    note = text;
                    break;
                case "note":
                    errors.Add(new("note", $"must be a reason of 1 to {BurnReleaser.MaxNoteChars} characters on one line (no control characters)"));
                    break;
                default:
                    errors.Add(new(property.Name, "is not a field of this request; fields: amountMinor, note"));
                    break;
            }
        }

        if (!document.RootElement.TryGetProperty("amountMinor", out _))
        {
            errors.Add(new("amountMinor", "is required"));
        }

        if (!document.RootElement.TryGetProperty("note", out _))
        {
            errors.Add(new("note", "is required: the reason is kept on the burn"));
        }

        return errors.Count == 0 ? (new ReleaseBurnRequest(amount!.Value, note!), errors) : (null, errors);
    }
}

namespace Billing.Functions.Http;

/// <summary>
/// Reading partner request bodies and audit paging parameters, and the one mapping from partner management failures
/// to problem+json. Bodies are read field by field so every mistake names its field: an unknown field (e.g. a
/// <c>role</c> in a PATCH) is refused rather than ignored.
/// </summary>
public static class PartnerRequests
{
    /// <summary>Largest request body read: a partner is a few hundred bytes.</summary>
    public const int MaxBodyChars = 16 * 1024;

    public const int DefaultAuditLimit = 100;
    public const int MaxAuditLimit = 1000;

    /// <summary>The <c>limit</c> of a paged audit listing (<see cref="Paging(IQueryCollection, List{ApiFieldError})"/>).</summary>
    public static readonly QueryParameter Limit = new("limit", $"Entries a page, 1 to {MaxAuditLimit} (default {DefaultAuditLimit}).", JsonSchemaType.Integer);

    /// <summary>The <c>after</c> cursor of a paged audit listing.</summary>
    public static readonly QueryParameter After = new("after", "The next page: the `next` of the previous page.");

    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    /// <summary>The string fields of a JSON object body (a JSON null kept as null when <paramref name="nullable"/> allows it).</summary>
    public static async Task<(Dictionary<string, string?> Fields, List<ApiFieldError> Errors)> ReadAsync(
        HttpRequest request, IReadOnlyList<string> allowed, IReadOnlyList<string> nullable, CancellationToken cancellationToken)
    {
        var (fields, _, errors) = await ReadAsync(request, allowed, nullable, [], cancellationToken).ConfigureAwait(false);
        return (fields, errors);
    }

    /// <summary>
    /// The string fields of a JSON object body, and those named in <paramref name="lists"/> as arrays of strings (the whole
    /// list, e.g. a payer's <c>providers</c>; <c>[]</c> for none).
    /// </summary>
    public static async Task<(Dictionary<string, string?> Fields, Dictionary<string, IReadOnlyList<string>> Lists, List<ApiFieldError> Errors)> ReadAsync(
        HttpRequest request, IReadOnlyList<string> allowed, IReadOnlyList<string> nullable, IReadOnlyList<string> lists, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(allowed);
        ArgumentNullException.ThrowIfNull(lists);
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        var listed = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var errors = new List<ApiFieldError>();
        using (var document = await RequestBody.ReadObjectAsync(request, MaxBodyChars, errors, cancellationToken).ConfigureAwait(false))
        {
            if (document is null)
            {
                return (fields, listed, errors);
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!allowed.Contains(property.Name))
                {
                    errors.Add(new(property.Name, $"is not a field of this request; fields: {string.Join(", ", allowed)}"));
                }
                else if (lists.Contains(property.Name))
                {
                    if (Strings(property.Value) is { } items)
                    {
                        listed[property.Name] = items;
                    }
                    else
                    {
                        errors.Add(new(property.Name, "must be an array of strings"));
                    }
                }
                else if (property.Value.ValueKind == JsonValueKind.String && JsonText.TryGetString(property.Value, out string? text))
                {
                    fields[property.Name] = text;
                }
                else if (property.Value.ValueKind == JsonValueKind.String)
                {
                    errors.Add(new(property.Name, JsonText.NotUnicodeText)); // "\ud800": JSON, but no text
                }
                else if (property.Value.ValueKind == JsonValueKind.Null && nullable.Contains(property.Name))
                {
                    fields[property.Name] = null;
                }
                else
                {
                    errors.Add(new(property.Name, nullable.Contains(property.Name) ? "must be a string or null" : "must be a string"));
                }
            }
        }

        return (fields, listed, errors);
    }

    /// <summary>The items of a JSON array of strings (text only: a lone surrogate is none); null when it is anything else.</summary>
    private static List<string>? Strings(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var items = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || !JsonText.TryGetString(item, out string? text))
            {
                return null;
            }

            items.Add(text!);
        }

        return items;
    }

    /// <summary><c>limit</c> (1 to <see cref="MaxAuditLimit"/>) and the <c>after</c> cursor of an audit listing.</summary>
    public static (int Limit, string? After) Paging(IQueryCollection query, List<ApiFieldError> errors) => Paging(query, errors, IsCursor);

    /// <summary><c>limit</c> (1 to <see cref="MaxAuditLimit"/>) and an <c>after</c> cursor that <paramref name="isCursor"/> accepts: every paged listing's rules.</summary>
    public static (int Limit, string? After) Paging(IQueryCollection query, List<ApiFieldError> errors, Func<string, bool> isCursor)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(isCursor);
        int limit = DefaultAuditLimit;
        if (query.TryGetValue("limit", out var text) && !(int.TryParse(text.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= MaxAuditLimit))
        {
            errors.Add(new("limit", $"must be an integer from 1 to {MaxAuditLimit}"));
        }

        string? after = query.TryGetValue("after", out var a) ? a.ToString() : null;
        if (after is not null && !isCursor(after))
        {
            errors.Add(new("after", "must be the 'next' value of a previous page"));
        }

        return (limit, after);
    }

    /// <summary>
    /// A <c>true</c>/<c>false</c> query parameter (any case) given once; null when absent, and a field error otherwise:
    /// an empty value too (<c>?revokePrevious=</c> rotated a key without revoking the old one).
    /// </summary>
    public static bool? Flag(IQueryCollection query, string name, List<ApiFieldError> errors)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(errors);
        if (!query.TryGetValue(name, out var values))
        {
            return null;
        }

        if (values.Count == 1 && values[0] is { } text && (text.Equals("true", StringComparison.OrdinalIgnoreCase) || text.Equals("false", StringComparison.OrdinalIgnoreCase)))
        {
            return text.Length == 4;
        }

        errors.Add(new(name, "must be true or false"));
        return null;
    }

    /// <summary>Runs a partner operation, answering its expected failures as problem+json (400 with fields, 404, 409, and 500 for a row that cannot be read).</summary>
    public static async Task<Results<JsonHttpResult<T>, JsonHttpResult<ApiProblem>>> AnswerAsync<T>(Func<Task<JsonHttpResult<T>>> operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (PartnerInputException ex)
        {
            return ApiProblems.BadRequest("invalid partner fields", [.. ex.Errors.Select(e => new ApiFieldError(e.Field, e.Reason))]);
        }
        catch (PartnerNotFoundException ex)
        {
            return ApiProblems.NotFound(ex.Message);
        }
        catch (PartnerConflictException ex)
        {
            return ApiProblems.Of(StatusCodes.Status409Conflict, "Conflict", ex.Message, new ApiFieldError(ex.Field, ex.Message));
        }
        catch (InvalidDataException ex)
        {
            // The partner's row was changed outside the platform: answered as what it is (finance only calls these routes).
            return ApiProblems.StorageIntegrity("Stored partner unreadable", ex.Message);
        }
    }

    private static bool IsCursor(string text) =>
        text.Length is > 20 and <= 40 && text[19] == '-' && text.AsSpan(0, 19).IndexOfAnyExceptInRange('0', '9') < 0
        && text.AsSpan(20).IndexOfAnyExcept(LowerHex) < 0;
}

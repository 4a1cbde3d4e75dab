namespace Billing.Functions.Http;

/// <summary>Reading a small request body whole, refusing a larger one before it is parsed.</summary>
public static class RequestBody
{
    /// <summary>The body as text, or null when it is longer than <paramref name="maxChars"/> characters.</summary>
    public static async Task<string?> ReadAsync(HttpRequest request, int maxChars, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var buffer = new char[maxChars + 1];
        int read = await reader.ReadBlockAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
        return read > maxChars ? null : new string(buffer, 0, read);
    }

    /// <summary>
    /// The body as a JSON object (parsed with <see cref="JsonText.ParseStrict(string, int)"/>), or null with the <c>$</c> error that says why
    /// not: longer than <paramref name="maxChars"/> characters, not JSON (or a duplicate field), or not an object. The
    /// caller disposes the document.
    /// </summary>
    public static async Task<JsonDocument?> ReadObjectAsync(HttpRequest request, int maxChars, List<ApiFieldError> errors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (await ReadAsync(request, maxChars, cancellationToken).ConfigureAwait(false) is not { } body)
        {
            errors.Add(new("$", $"the body is larger than {maxChars} characters"));
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonText.ParseStrict(body);
        }
        catch (JsonException)
        {
            errors.Add(new("$", "must be a JSON object (valid JSON, no duplicate fields)"));
            return null;
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            errors.Add(new("$", "must be a JSON object"));
            return null;
        }

        return document;
    }
}

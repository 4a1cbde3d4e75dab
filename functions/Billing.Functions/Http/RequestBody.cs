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
}

using Microsoft.AspNetCore.Http.Features;

namespace Billing.Functions.Http;

/// <summary>Reading a request body as bytes into a buffer no larger than its limit, whatever the sender sends.</summary>
public static class BoundedRequestBody
{
    /// <summary>
    /// The body's bytes, or null when it holds more than <paramref name="limit"/> bytes. A larger body is read to its end
    /// into the same bounded buffer and dropped (up to <paramref name="readBound"/>, past which the server stops reading), so
    /// whatever forwarded it gets the 413 rather than a reset connection, and memory never holds more than the limit.
    /// </summary>
    public static async Task<ArraySegment<byte>?> ReadAsync(HttpRequest request, int limit, long readBound, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = readBound;
        }

        if (request.ContentLength > readBound)
        {
            return null;
        }

        var buffer = new byte[(int)Math.Min(request.ContentLength ?? 64 * 1024, limit) + 1];
        int length = 0;
        bool over = false;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length > limit)
                    {
                        over = true;
                        length = 0; // keep reading into the same buffer, dropping what is read
                    }
                    else
                    {
                        Array.Resize(ref buffer, Math.Min(limit + 1, buffer.Length * 2));
                    }
                }

                int read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }
        }
        catch (BadHttpRequestException) when (over || length > limit)
        {
            return null; // past the server's bound: answered as too large as well
        }

        return over || length > limit ? null : (ArraySegment<byte>?)new ArraySegment<byte>(buffer, 0, length);
    }
}

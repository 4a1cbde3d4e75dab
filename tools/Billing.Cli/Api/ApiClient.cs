using System.Net.Http.Headers;

namespace Billing.Cli.Api;

/// <summary>A request to the billing API; <see cref="Path"/> starts with <c>/api/</c>.</summary>
public sealed record ApiRequest(HttpMethod Method, string Path, string? Key)
{
    public string? Body { get; init; }

    public string ContentType { get; init; } = "application/json";

    public string? Accept { get; init; }

    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>A successful answer is a file (a PDF): kept as bytes in <see cref="ApiResponse.Bytes"/>, not decoded as text.</summary>
    public bool Binary { get; init; }

    /// <summary>False for a request the API applies anew each time it arrives (creating a partner, issuing a key); see <see cref="RetryPolicy"/>.</summary>
    public bool Repeatable { get; init; } = true;
}

public sealed record ApiResponse(int Status, string? ContentType, string Body, int Attempts)
{
    /// <summary>The Retry-After delta the API asked for (429/503), which the retry honours.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public bool IsSuccess => Status is >= 200 and < 300;

    /// <summary>The answer's response headers (not its content headers), by case-insensitive name; several values joined by commas.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The body as received, for a successful <see cref="ApiRequest.Binary"/> request.</summary>
    public byte[]? Bytes { get; init; }

    public ApiProblem Problem() => ApiProblem.From(Status, Body);

    public JsonNode? Json()
    {
        try
        {
            return string.IsNullOrWhiteSpace(Body) ? null : JsonNode.Parse(Body);
        }
        catch (JsonException ex)
        {
            throw new OperationFailedException($"the API answered HTTP {Status} with a body that is not JSON: {ex.Message}");
        }
    }
}

/// <summary>
/// The only way the CLI talks to the platform: HTTP with the <c>X-Api-Key</c> header, retries (Polly, <see cref="RetryPolicy"/>) on transport
/// errors, 429 and 5xx (never on other 4xx, nor on a 5xx the API types as deterministic). Works the same against the local DevHost and Azure.
/// </summary>
/// <param name="http">The connection.</param>
/// <param name="baseUrl">The API's base URL.</param>
/// <param name="retry">When to try again.</param>
/// <param name="observe">Sees each request with its final response (after retries), for what a command should say besides its answer.</param>
public sealed class ApiClient(HttpClient http, string baseUrl, RetryPolicy retry, Action<ApiRequest, ApiResponse>? observe = null)
{
    private readonly string baseUrl = baseUrl.TrimEnd('/');
    private readonly Polly.ResiliencePipeline<ApiResponse> pipeline = retry.CreatePipeline();
    private readonly Polly.ResiliencePipeline<ApiResponse> onceOnlyPipeline = retry.CreatePipeline(repeatable: false);

    public string BaseUrl => baseUrl;

    /// <summary>Sends with retries. Returns the final response, whatever its status; throws <see cref="ApiUnreachableException"/> if no response came.</summary>
    public async Task<ApiResponse> SendAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        int attempts = 0;
        try
        {
            var response = await (request.Repeatable ? pipeline : onceOnlyPipeline).ExecuteAsync(
                async ct =>
                {
                    attempts++;
                    return await SendOnceAsync(request, attempts, ct).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
            observe?.Invoke(request, response);
            return response;
        }
        catch (Exception ex) when (RetryPolicy.IsTransport(ex, cancellationToken))
        {
            throw new ApiUnreachableException($"cannot reach {baseUrl} ({Reason(ex)}) after {attempts} attempt(s)", ex);
        }
    }

    private async Task<ApiResponse> SendOnceAsync(ApiRequest request, int attempt, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(request.Method, baseUrl + request.Path);
        if (request.Key is not null)
        {
            message.Headers.TryAddWithoutValidation("X-Api-Key", request.Key);
        }

        if (request.Accept is not null)
        {
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(request.Accept));
        }

        foreach (var (name, value) in request.Headers ?? new Dictionary<string, string>())
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        if (request.Body is not null)
        {
            message.Content = new StringContent(request.Body, Encoding.UTF8);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue(request.ContentType) { CharSet = "utf-8" };
        }

        using var response = await http.SendAsync(message, cancellationToken).ConfigureAwait(false);
        byte[]? bytes = request.Binary && response.IsSuccessStatusCode ? await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false) : null;
        string body = bytes is null ? await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false) : "";
        return new ApiResponse((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, attempt)
        {
            RetryAfter = response.Headers.RetryAfter?.Delta,
            Headers = response.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase),
            Bytes = bytes,
        };
    }

    /// <summary>Sends and requires a 2xx answer; otherwise throws <see cref="ApiException"/> with the API's problem.</summary>
    public async Task<ApiResponse> SendOkAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return response.IsSuccess ? response : throw new ApiException(response.Problem());
    }

    public async Task<JsonNode?> GetJsonAsync(string path, string? key, CancellationToken cancellationToken)
    {
        var response = await SendOkAsync(new ApiRequest(HttpMethod.Get, path, key) { Accept = "application/json" }, cancellationToken).ConfigureAwait(false);
        return response.Json();
    }

    private static string Reason(Exception ex) => ex switch
    {
        TaskCanceledException => "timed out",
        HttpRequestException { InnerException: { } inner } => inner.Message,
        _ => ex.Message,
    };
}

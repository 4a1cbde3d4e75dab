namespace Billing.Cli.Commands;

/// <summary>One command's connection to the API: the resolved endpoint, its <see cref="HttpClient"/> and the retrying <see cref="ApiClient"/>.</summary>
internal sealed class ApiSession : IDisposable
{
    private ApiSession(ApiEndpoint endpoint, HttpClient http, RetryPolicy retry)
    {
        Endpoint = endpoint;
        Http = http;
        Api = new ApiClient(http, endpoint.Url, retry);
    }

    public ApiEndpoint Endpoint { get; }

    public HttpClient Http { get; }

    public ApiClient Api { get; }

    /// <summary>The given key, or the local finance key against a loopback URL.</summary>
    public string FinanceKey => Endpoint.KeyOr(ApiEndpoint.DevFinanceKey);

    public static ApiSession Open(ApiEndpoint endpoint, CliContext context)
    {
        var http = context.HttpHandler is { } handler
            ? new HttpClient(handler, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(100) }
            : new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10) }) { Timeout = TimeSpan.FromSeconds(100) };
        return new ApiSession(endpoint, http, context.Retry);
    }

    /// <summary>GET with the finance key; a non-2xx answer throws <see cref="ApiException"/>.</summary>
    public Task<JsonNode?> GetJsonAsync(string path, CancellationToken cancellationToken) =>
        Api.GetJsonAsync(path, FinanceKey, cancellationToken);

    public void Dispose() => Http.Dispose();
}

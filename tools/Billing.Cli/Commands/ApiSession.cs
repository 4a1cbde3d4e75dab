namespace Billing.Cli.Commands;

/// <summary>One command's connection to the API: the resolved endpoint, its <see cref="HttpClient"/> and the retrying <see cref="ApiClient"/>.</summary>
internal sealed class ApiSession : IDisposable
{
    private bool rowMissingTold;

    private ApiSession(ApiEndpoint endpoint, HttpClient http, RetryPolicy retry, TextWriter error)
    {
        Endpoint = endpoint;
        Http = http;
        Api = new ApiClient(http, endpoint.Url, retry, response => WarnRowMissing(response, error));
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
        return new ApiSession(endpoint, http, context.Retry, context.Error);
    }

    /// <summary>GET with the finance key; a non-2xx answer throws <see cref="ApiException"/>.</summary>
    public Task<JsonNode?> GetJsonAsync(string path, CancellationToken cancellationToken) =>
        Api.GetJsonAsync(path, FinanceKey, cancellationToken);

    public void Dispose() => Http.Dispose();

    /// <summary>
    /// The API answered for a payer whose partner row was removed in storage (<see cref="PayerQueryHeaders.RowMissing"/>): the
    /// answer is printed as usual, and standard error says so once, since the JSON body has no place for it.
    /// </summary>
    private void WarnRowMissing(ApiResponse response, TextWriter error)
    {
        if (!rowMissingTold && response.Headers.TryGetValue(PayerQueryHeaders.RowMissing, out string? why))
        {
            rowMissingTold = true;
            error.WriteLine("warning: " + TerminalText.Visible(why));
        }
    }
}

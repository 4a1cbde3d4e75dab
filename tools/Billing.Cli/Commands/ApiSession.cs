namespace Billing.Cli.Commands;

/// <summary>One command's connection to the API: the resolved endpoint, its <see cref="HttpClient"/> and the retrying <see cref="ApiClient"/>.</summary>
internal sealed class ApiSession : IDisposable
{
    /// <summary>The payers whose missing row standard error has told of (the empty string: a request that named none).</summary>
    private readonly HashSet<string> rowMissingTold = new(StringComparer.Ordinal);

    private ApiSession(ApiEndpoint endpoint, HttpClient http, RetryPolicy retry, TextWriter error)
    {
        Endpoint = endpoint;
        Http = http;
        Api = new ApiClient(http, endpoint.Url, retry, (request, response) => WarnRowMissing(request, response, error));
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
    /// answer is printed as usual, and standard error says so, naming the payer the request's <c>?payer=</c> named (the
    /// header says "this payer"), once per payer, since the JSON body has no place for it.
    /// </summary>
    private void WarnRowMissing(ApiRequest request, ApiResponse response, TextWriter error)
    {
        if (!response.Headers.TryGetValue(PayerQueryHeaders.RowMissing, out string? why))
        {
            return;
        }

        string? payer = PayerOf(request.Path);
        lock (rowMissingTold)
        {
            if (rowMissingTold.Add(payer ?? ""))
            {
                error.WriteLine(payer is null
                    ? "warning: " + TerminalText.Visible(why)
                    : $"warning: payer {TerminalText.Visible(payer)}: {TerminalText.Visible(why)}");
            }
        }
    }

    /// <summary>The value of the <c>payer</c> query parameter of <paramref name="path"/> (names are case-insensitive, as the API reads them), or null.</summary>
    private static string? PayerOf(string path)
    {
        int query = path.IndexOf('?', StringComparison.Ordinal);
        if (query < 0)
        {
            return null;
        }

        const string Name = "payer=";
        return path[(query + 1)..].Split('&').FirstOrDefault(p => p.StartsWith(Name, StringComparison.OrdinalIgnoreCase)) is { } pair
            ? Uri.UnescapeDataString(pair[Name.Length..])
            : null;
    }
}

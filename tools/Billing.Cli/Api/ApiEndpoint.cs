namespace Billing.Cli.Api;

/// <summary>Where the API is and which key to use; the local dev keys are used only against a loopback URL.</summary>
public sealed record ApiEndpoint(string Url, string? Key)
{
    public const string DefaultUrl = "http://127.0.0.1:7071";
    public const string DevCarrierKey = "dev-carrier-tmo-key";
    public const string DevProviderKey = "dev-provider-nodeops-key";
    public const string DevFinanceKey = "dev-finance-key";

    public bool IsLoopback => Uri.TryCreate(Url, UriKind.Absolute, out var uri) && uri.IsLoopback;

    /// <summary>The key, or <paramref name="devKey"/> on a loopback URL; otherwise a usage error.</summary>
    public string KeyOr(string devKey)
    {
        if (!string.IsNullOrEmpty(Key))
        {
            return Key;
        }

        if (IsLoopback)
        {
            return devKey;
        }

        throw new UsageException($"an API key is required for {Url}: pass --key or set BILLING_API_KEY");
    }

    public static ApiEndpoint Resolve(string? url, string? key, Func<string, string?> environment)
    {
        string u = !string.IsNullOrWhiteSpace(url) ? url : environment("BILLING_URL") is { Length: > 0 } e ? e : DefaultUrl;
        if (!Uri.TryCreate(u, UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"--url '{u}' is not an http(s) URL");
        }

        if (parsed.Scheme == Uri.UriSchemeHttp && !parsed.IsLoopback)
        {
            // Every request carries the key in a header: over plain http anyone on the path reads it.
            throw new UsageException($"--url '{u}' is plain http to another machine, which would send the API key unencrypted: use https (http is only for this machine)");
        }

        string? k = !string.IsNullOrWhiteSpace(key) ? key : environment("BILLING_API_KEY") is { Length: > 0 } ek ? ek : null;
        return new ApiEndpoint(u, k);
    }
}

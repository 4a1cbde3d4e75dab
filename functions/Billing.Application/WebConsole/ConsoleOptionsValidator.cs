namespace Billing.Application.WebConsole;

/// <summary>Checks <c>Billing:Console</c> at start, so a bad explorer setting names itself instead of breaking every link.</summary>
public sealed class ConsoleOptionsValidator : IValidateOptions<ConsoleOptions>
{
    public ValidateOptionsResult Validate(string? name, ConsoleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.ExplorerUrl is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add("Billing:Console:ExplorerUrl must be an absolute http(s) URL.");
        }

        if (!string.IsNullOrWhiteSpace(options.Cluster) && !ExplorerSettings.Clusters.Contains(options.Cluster))
        {
            failures.Add($"Billing:Console:Cluster must be empty or one of {string.Join(", ", ExplorerSettings.Clusters)}.");
        }

        // The URL is not echoed: it may be the provider's URL with its key, set here by mistake.
        if (options.CustomUrl is { } custom && (!custom.IsAbsoluteUri || (custom.Scheme != Uri.UriSchemeHttps && custom.Scheme != Uri.UriSchemeHttp)
            || custom.Query.Length > 0 || custom.UserInfo.Length > 0 || custom.Fragment.Length > 0))
        {
            failures.Add("Billing:Console:CustomUrl must be an absolute http(s) URL without query, user info or fragment: it is served to anyone.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

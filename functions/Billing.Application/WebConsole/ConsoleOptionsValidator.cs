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

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

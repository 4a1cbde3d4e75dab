namespace Billing.Publishing;

/// <summary>
/// Validates <see cref="PublishingOptions"/> at start, so a misconfiguration fails naming the setting instead of as
/// every ingest answering 503. Messages never echo the connection string.
/// </summary>
public sealed class PublishingOptionsValidator : IValidateOptions<PublishingOptions>
{
    /// <summary>Longest publish the HTTP trigger can wait for (the Functions host answers 230 s after the request).</summary>
    public static readonly TimeSpan MaxPublishTimeout = TimeSpan.FromSeconds(180);

    public const int MaxRetriesLimit = 10;

    private const string Prefix = PublishingOptions.Section + ":";

    public ValidateOptionsResult Validate(string? name, PublishingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        bool hasNamespace = !string.IsNullOrWhiteSpace(options.FullyQualifiedNamespace);
        bool hasConnection = !string.IsNullOrWhiteSpace(options.ConnectionString);
        bool hasDevHost = options.DevHostEndpoint is not null;
        int targets = (hasNamespace ? 1 : 0) + (hasConnection ? 1 : 0) + (hasDevHost ? 1 : 0);
        if (targets != 1)
        {
            failures.Add(targets > 1
                ? $"{Prefix}FullyQualifiedNamespace, {Prefix}ConnectionString and {Prefix}DevHostEndpoint: more than one is set; set one (the namespace uses the managed identity)."
                : $"{Prefix}FullyQualifiedNamespace (e.g. name.servicebus.windows.net, managed identity) or {Prefix}ConnectionString is required ({Prefix}DevHostEndpoint when running under the DevHost).");
        }

        if (hasDevHost && (!options.DevHostEndpoint!.IsAbsoluteUri || options.DevHostEndpoint.Scheme != Uri.UriSchemeHttp || !options.DevHostEndpoint.IsLoopback))
        {
            failures.Add($"{Prefix}DevHostEndpoint must be an absolute http:// address on this machine (loopback), e.g. http://127.0.0.1:7071/ (was '{options.DevHostEndpoint}').");
        }

        if (hasNamespace && Uri.CheckHostName(options.FullyQualifiedNamespace) != UriHostNameType.Dns)
        {
            failures.Add($"{Prefix}FullyQualifiedNamespace must be a host name such as name.servicebus.windows.net, without scheme, port or path (was '{options.FullyQualifiedNamespace}').");
        }

        if (hasConnection)
        {
            string cs = options.ConnectionString!;
            if (!cs.Contains("Endpoint=", StringComparison.OrdinalIgnoreCase))
            {
                failures.Add($"{Prefix}ConnectionString must be an Event Hubs namespace connection string (Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…).");
            }
            else if (cs.Contains("EntityPath=", StringComparison.OrdinalIgnoreCase))
            {
                failures.Add($"{Prefix}ConnectionString names one hub (EntityPath); use the namespace's connection string (the app publishes to {UsageHubNames.CarrierOffload}, {UsageHubNames.ComputeUsage} and {UsageHubNames.DeclaredUsage}).");
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < options.HotPayers.Count; i++)
        {
            string payer = options.HotPayers[i];
            if (string.IsNullOrWhiteSpace(payer))
            {
                failures.Add($"{Prefix}HotPayers:{i} is empty; list partner ids.");
            }
            else if (!seen.Add(payer))
            {
                failures.Add($"{Prefix}HotPayers:{i} repeats '{payer}'.");
            }
        }

        if (options.TryTimeout <= TimeSpan.Zero || options.TryTimeout > MaxPublishTimeout)
        {
            failures.Add($"{Prefix}TryTimeout must be positive and at most {MaxPublishTimeout} (was {options.TryTimeout}).");
        }

        if (options.MaxRetries is < 0 or > MaxRetriesLimit)
        {
            failures.Add($"{Prefix}MaxRetries must be between 0 and {MaxRetriesLimit} (was {options.MaxRetries}).");
        }

        if (options.PublishTimeout <= TimeSpan.Zero || options.PublishTimeout > MaxPublishTimeout)
        {
            failures.Add($"{Prefix}PublishTimeout must be positive and at most {MaxPublishTimeout} (was {options.PublishTimeout}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

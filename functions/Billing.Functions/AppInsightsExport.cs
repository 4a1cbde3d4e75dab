using Azure.Core;
using Azure.Identity;

namespace Billing.Functions;

/// <summary>
/// Where and how the app's own OpenTelemetry exporters send to Application Insights: the connection string, and, when
/// <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> asks for Microsoft Entra ID (<c>[ClientId=…;]Authorization=AAD</c>,
/// the Functions host's setting, which the Azure Monitor exporter does not read itself), the managed identity to send
/// with. Without it a resource with local authentication disabled (the Bicep default) rejects everything the app sends.
/// </summary>
internal sealed record AppInsightsExport(string ConnectionString, string? ManagedIdentityClientId, TokenCredential? Credential)
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    public const string AuthenticationSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>The export the settings ask for; null when no connection string is set. A malformed authentication string stops start-up.</summary>
    public static AppInsightsExport? From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string? connectionString = configuration[ConnectionStringSetting];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return null;
        }

        string? authentication = configuration[AuthenticationSetting];
        if (string.IsNullOrWhiteSpace(authentication))
        {
            return new AppInsightsExport(connectionString, null, null); // instrumentation key only (local runs, or local auth allowed)
        }

        bool entra = false;
        string? clientId = null;
        foreach (string part in authentication.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            string key = equals > 0 ? part[..equals].Trim() : part;
            string value = equals > 0 ? part[(equals + 1)..].Trim() : "";
            if (key.Equals("Authorization", StringComparison.OrdinalIgnoreCase) && value.Equals("AAD", StringComparison.OrdinalIgnoreCase))
            {
                entra = true;
            }
            else if (key.Equals("ClientId", StringComparison.OrdinalIgnoreCase) && value.Length > 0)
            {
                clientId = value;
            }
            else
            {
                throw Malformed($"'{key}' is not understood");
            }
        }

        if (!entra)
        {
            throw Malformed("Authorization=AAD is missing");
        }

        var identity = clientId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId);
        return new AppInsightsExport(connectionString, clientId, new ManagedIdentityCredential(identity));
    }

    private static InvalidOperationException Malformed(string reason) =>
        new($"{AuthenticationSetting} must be 'Authorization=AAD' or 'ClientId=<client id of a user-assigned identity>;Authorization=AAD' ({reason}).");
}

namespace Billing.Functions.Tests.Infrastructure.Modules;

/// <summary>infra/modules/rbac.bicep: the app identity gets exactly the data roles it needs, each at the narrowest scope that works.</summary>
public class RbacBicepTests
{
    // Built-in role definition ids as Azure documents them (learn.microsoft.com, role-based-access-control/built-in-roles).
    private const string EventHubsDataReceiver = "a638d3c7-ab3a-418d-83e6-5f17a39d4fde";
    private const string EventHubsDataSender = "2b629674-e913-4c01-ae53-ef4638d8f975";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";
    private const string KeyVaultSecretsOfficer = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";

    private static List<(string Scope, string Role, string Principal, string? Type)> Assignments(TemplateSnapshot snapshot) =>
        snapshot.OfType("Microsoft.Authorization/roleAssignments")
            .Select(a => (
                Scope: ((string)a["id"]!)[..((string)a["id"]!).IndexOf("/providers/Microsoft.Authorization/", StringComparison.Ordinal)],
                Role: ((string)a["properties"]!["roleDefinitionId"]!).Split('/')[^1],
                Principal: (string)a["properties"]!["principalId"]!,
                Type: (string?)a["properties"]!["principalType"]))
            .ToList();

    [Fact]
    public void Deployment_AppIdentity_HasExactlyTheDataRolesTheAppAndHostUse()
    {
        var snapshot = TemplateSnapshot.Of();
        string rg = $"/subscriptions/{TemplateSnapshot.SubscriptionId}/resourceGroups/{TemplateSnapshot.ResourceGroup}/providers";
        string identity = (string)snapshot.Single("Microsoft.ManagedIdentity/userAssignedIdentities")["id"]!;
        string ns = $"{rg}/Microsoft.EventHub/namespaces/{snapshot.Single("Microsoft.EventHub/namespaces")["name"]}";
        string storage = $"{rg}/Microsoft.Storage/storageAccounts/{snapshot.Single("Microsoft.Storage/storageAccounts")["name"]}";
        var hubs = snapshot.OfType("Microsoft.EventHub/namespaces/eventhubs").Select(h => ((string)h["name"]!).Split('/')[1]).ToList();

        var expected = hubs.SelectMany(h => new[] { ($"{ns}/eventhubs/{h}", EventHubsDataReceiver), ($"{ns}/eventhubs/{h}", EventHubsDataSender) }) // triggers; ingestion's publisher
            .Append(($"{storage}/tableServices/default", StorageTableDataContributor)) // billing tables; the host's diagnostic events
            .Append(($"{storage}/blobServices/default", StorageBlobDataOwner)) // AzureWebJobsStorage: leases, checkpoints, keys (creates its containers); the deployment package
            .Append(($"{rg}/Microsoft.KeyVault/vaults/{snapshot.Single("Microsoft.KeyVault/vaults")["name"]}", KeyVaultSecretsUser)) // Key Vault references
            .Append(($"{rg}/Microsoft.Insights/components/{snapshot.Single("Microsoft.Insights/components")["name"]}", MonitoringMetricsPublisher)) // Entra-authenticated telemetry
            .Order()
            .ToList();

        var app = Assignments(snapshot).Where(a => a.Principal.Contains(identity, StringComparison.Ordinal)).ToList();

        Assert.Equal(expected, app.Select(a => (a.Scope, a.Role)).Order());
        Assert.All(app, a => Assert.Equal("ServicePrincipal", a.Type));
        Assert.Equal(app.Count, Assignments(snapshot).Count); // no one else is granted anything by default
    }

    [Fact]
    public void Deployment_VaultOperator_GetsSecretsOfficerOnTheVaultOnly()
    {
        const string Operator = "12345678-90ab-cdef-1234-567890abcdef";
        var snapshot = TemplateSnapshot.Of(new Dictionary<string, object> { ["vaultOperatorPrincipalId"] = Operator, ["vaultOperatorPrincipalType"] = "Group" });

        var assignment = Assert.Single(Assignments(snapshot), a => a.Principal == Operator);

        Assert.Equal(KeyVaultSecretsOfficer, assignment.Role);
        Assert.EndsWith($"/Microsoft.KeyVault/vaults/{snapshot.Single("Microsoft.KeyVault/vaults")["name"]}", assignment.Scope, StringComparison.Ordinal);
        Assert.Equal("Group", assignment.Type);
    }
}

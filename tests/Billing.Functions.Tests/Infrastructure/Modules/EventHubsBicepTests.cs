using Microsoft.Extensions.Configuration;

namespace Billing.Functions.Tests.Infrastructure.Modules;

/// <summary>infra/modules/eventhubs.bicep against the triggers (function.json) and the ingestion publisher (PublishingOptions).</summary>
public class EventHubsBicepTests
{
    private static List<JsonObject> EventHubTriggers() =>
        Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, "functions", "Billing.Functions"), "function.json", SearchOption.AllDirectories)
            .SelectMany(f => JsonNode.Parse(File.ReadAllText(f))!["bindings"]!.AsArray())
            .Select(b => b!.AsObject())
            .Where(b => (string?)b["type"] == "eventHubTrigger")
            .ToList();

    private static HashSet<string> Hubs(TemplateSnapshot snapshot) =>
        snapshot.OfType("Microsoft.EventHub/namespaces/eventhubs").Select(h => ((string)h["name"]!).Split('/')[1]).ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void Deployment_EveryTrigger_ReadsAHubThatExistsWithItsConsumerGroup()
    {
        var snapshot = TemplateSnapshot.Of();
        var settings = snapshot.AppSettings();
        var hubs = Hubs(snapshot);
        var groups = snapshot.OfType("Microsoft.EventHub/namespaces/eventhubs/consumergroups").Select(g => (string)g["name"]!).ToHashSet(StringComparer.Ordinal);
        var triggers = EventHubTriggers();

        Assert.NotEmpty(triggers);
        foreach (var trigger in triggers)
        {
            string hub = (string)trigger["eventHubName"]!;
            string group = (string)trigger["consumerGroup"]!;
            if (group.StartsWith('%'))
            {
                group = settings[group.Trim('%')];
            }

            Assert.Contains(hub, hubs);
            Assert.True(group == "$Default" || groups.Contains($"{snapshot.Single("Microsoft.EventHub/namespaces")["name"]}/{hub}/{group}"), $"hub {hub} has no consumer group {group}");
        }

        // No hub the app does not read: a hub nobody meters would take events that are never billed.
        Assert.Equal(hubs.Order(), triggers.Select(t => (string)t["eventHubName"]!).Distinct().Order());
    }

    [Fact]
    public void Deployment_Publisher_SendsToTheHubsTheTriggersRead()
    {
        var snapshot = TemplateSnapshot.Of();
        var triggered = EventHubTriggers().Select(t => (string)t["eventHubName"]!).ToHashSet(StringComparer.Ordinal);

        // Every UsageHub the publisher can pick must exist and be metered; no setting can name another.
        Assert.Equal(3, Enum.GetValues<Billing.Publishing.UsageHub>().Length);
        foreach (string hub in Enum.GetValues<Billing.Publishing.UsageHub>().Select(Billing.Publishing.UsageHubNames.Of))
        {
            Assert.Contains(hub, Hubs(snapshot));
            Assert.Contains(hub, triggered);
        }
    }

    [Theory]
    [InlineData(8, 7)]
    [InlineData(32, 1)]
    public void Deployment_PartitionsAndRetention_FollowTheParametersWithinStandardLimits(int partitions, int days)
    {
        var snapshot = TemplateSnapshot.Of(new Dictionary<string, object> { ["eventHubPartitionCount"] = partitions, ["eventHubMessageRetentionDays"] = days });

        foreach (var hub in snapshot.OfType("Microsoft.EventHub/namespaces/eventhubs"))
        {
            Assert.Equal(partitions, (int)hub["properties"]!["partitionCount"]!);
            Assert.Equal(days * 24, (int)hub["properties"]!["retentionDescription"]!["retentionTimeInHours"]!);
            Assert.Equal("Delete", (string?)hub["properties"]!["retentionDescription"]!["cleanupPolicy"]);
        }

        Assert.Equal("Standard", (string?)snapshot.Single("Microsoft.EventHub/namespaces")["sku"]!["name"]);
    }

    [Fact]
    public void Deployment_PartnerSenders_GetSendOnlyPoliciesAndOnlyThenSharedKeys()
    {
        var without = TemplateSnapshot.Of();
        var with = TemplateSnapshot.Of(new Dictionary<string, object>
        {
            ["partnerSenders"] = new object[] { new Dictionary<string, string> { ["partnerId"] = "carrier-tmo", ["hub"] = "carrier-offload" } },
        });

        Assert.True((bool)without.Single("Microsoft.EventHub/namespaces")["properties"]!["disableLocalAuth"]!);
        Assert.Empty(without.OfType("Microsoft.EventHub/namespaces/eventhubs/authorizationRules"));
        Assert.False((bool)with.Single("Microsoft.EventHub/namespaces")["properties"]!["disableLocalAuth"]!);
        var policy = with.Single("Microsoft.EventHub/namespaces/eventhubs/authorizationRules");
        Assert.EndsWith("/carrier-offload/send-carrier-tmo", (string)policy["name"]!, StringComparison.Ordinal);
        Assert.Equal(["Send"], policy["properties"]!["rights"]!.AsArray().Select(r => (string)r!));
    }
}

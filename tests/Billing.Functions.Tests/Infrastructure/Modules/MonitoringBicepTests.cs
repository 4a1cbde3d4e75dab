using Billing.Application.Metering;
using Microsoft.Extensions.Configuration;

namespace Billing.Functions.Tests.Infrastructure.Modules;

/// <summary>
/// infra/modules/monitoring.bicep with the metering settings the deployment writes: the lag alert and the app's lag log
/// share one threshold, and the app knows how long its hubs keep events.
/// </summary>
public class MonitoringBicepTests
{
    private const string LagRule = "Microsoft.Insights/scheduledQueryRules";

    private static MeteringOptions Metering(TemplateSnapshot snapshot) =>
        new ConfigurationBuilder().AddInMemoryCollection(snapshot.AppConfiguration(TemplateSnapshot.SampleSecrets)).Build()
            .GetSection(MeteringOptions.Section).Get<MeteringOptions>()!;

    private static JsonNode Criterion(TemplateSnapshot snapshot) => snapshot.Single(LagRule)["properties"]!["criteria"]!["allOf"]![0]!;

    [Theory]
    [InlineData(7, 60)]
    [InlineData(2, 90)]
    [InlineData(7, 1500)]
    public void Deployment_LagThresholdAndRetention_ReachTheAppAndTheAlertAlike(int retentionDays, int lagMinutes)
    {
        var snapshot = TemplateSnapshot.Of(new Dictionary<string, object> { ["eventHubMessageRetentionDays"] = retentionDays, ["meteringLagAlertMinutes"] = lagMinutes });

        var metering = Metering(snapshot);

        Assert.Equal(TimeSpan.FromDays(retentionDays), metering.HubRetention);
        Assert.Equal(TimeSpan.FromMinutes(lagMinutes), metering.LagWarning);
        Assert.Equal(lagMinutes * 60, (int)Criterion(snapshot)["threshold"]!);
        Assert.Contains("billing.metering.lag", (string)Criterion(snapshot)["query"]!, StringComparison.Ordinal);
        Assert.EndsWith($"/components/{snapshot.Single("Microsoft.Insights/components")["name"]}", (string)snapshot.Single(LagRule)["properties"]!["scopes"]![0]!, StringComparison.Ordinal);
        StartupValidationTests.Build(snapshot.AppConfiguration(TemplateSnapshot.SampleSecrets));
    }

    [Fact]
    public void Deployment_DefaultParameters_LagThresholdIsTheAppsDefault()
    {
        var metering = Metering(TemplateSnapshot.Of());

        Assert.Equal(new MeteringOptions().LagWarning, metering.LagWarning);
        Assert.Equal(TimeSpan.FromDays(7), metering.HubRetention);
    }

    [Fact]
    public void Deployment_LagThresholdPastHalfTheRetention_AppRefusesToStartNamingIt()
    {
        var settings = TemplateSnapshot.Of(new Dictionary<string, object> { ["eventHubMessageRetentionDays"] = 1, ["meteringLagAlertMinutes"] = 720 }).AppConfiguration(TemplateSnapshot.SampleSecrets);

        var failure = Assert.Throws<OptionsValidationException>(() => StartupValidationTests.Build(settings));

        Assert.Contains("Billing:Metering:LagWarning", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deployment_AlertEmail_OnlyThenAnActionGroupTheLagRuleNotifies()
    {
        var without = TemplateSnapshot.Of();
        var with = TemplateSnapshot.Of(new Dictionary<string, object> { ["alertEmail"] = "ops@example.net" });

        Assert.Empty(without.OfType("Microsoft.Insights/actionGroups"));
        Assert.Empty(without.Single(LagRule)["properties"]!["actions"]!["actionGroups"]!.AsArray());
        var group = with.Single("Microsoft.Insights/actionGroups");
        Assert.Equal("ops@example.net", (string)group["properties"]!["emailReceivers"]![0]!["emailAddress"]!);
        string notified = (string)Assert.Single(with.Single(LagRule)["properties"]!["actions"]!["actionGroups"]!.AsArray())!;
        Assert.EndsWith($"/actionGroups/{group["name"]}", notified, StringComparison.Ordinal);
    }
}

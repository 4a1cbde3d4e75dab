namespace Billing.Cli.Tests.Commands;

/// <summary><c>billing quarantine replay</c> against the real function app behind the DevHost on Azurite.</summary>
[Collection(PlatformCollection.Name)]
public sealed class QuarantineReplayCommandTests(PlatformFixture platform)
{
    private string Url => platform.Host.BaseAddress.ToString().TrimEnd('/');

    [Fact]
    public async Task Replay_BySourceBeforeAndAfterThePartnerIsConfigured_StillInvalidThenMeteredOnce()
    {
        string source = $"carrier-cli-{Guid.NewGuid():N}"[..24];
        string id = $"cli-rp-{Guid.NewGuid():N}";
        // Metered before the partner exists (as a hub redelivery of an event accepted earlier would be): set aside as invalid.
        platform.Host.Broker.GetHub("carrier-offload").Publish([SampleEvents.Carrier(id, PlatformFixture.NewHotspot(), 1_000, 2_000, source: source).ToJsonString()], source);
        await platform.DrainAsync();

        var dryRun = await CliHarness.RunAsync("quarantine", "replay", "--source", source, "--dry-run", "--url", Url);
        var before = await CliHarness.RunAsync("quarantine", "replay", "--source", source, "--url", Url);
        using var create = await platform.CreatePartnerAsync(source, "carrier", "carrier-standard-v1");
        var after = await CliHarness.RunAsync("quarantine", "replay", "--source", source, "--url", Url);
        var again = await CliHarness.RunAsync("quarantine", "replay", "--source", source, "--url", Url);
        var shown = await CliHarness.RunAsync("quarantine", "list", "--source", source, "--url", Url);
        var usage = await platform.GetUsageAsync(PlatformFixture.FinanceKey, $"payer={source}&meter=offload.bytes&window=month");

        Assert.True(dryRun.ExitCode == 0, dryRun.ToString());
        Assert.Contains("would replay 1 event(s)", dryRun.Out, StringComparison.Ordinal);
        Assert.True(before.ExitCode == 1, before.ToString());
        Assert.Contains("invalid: ", before.Out, StringComparison.Ordinal);
        Assert.Contains($"source: '{source}' is not a registered partner", before.Out, StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.Created, create.StatusCode);
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.Contains($"metered: {id} from {source}", after.Out, StringComparison.Ordinal);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("0 replayed: 0 counted, 0 not", again.Out, StringComparison.Ordinal); // counted already: not selected again
        Assert.Contains("invalid (metered)", shown.Out, StringComparison.Ordinal);
        Assert.Equal(3_000, usage["rows"]!.AsArray().Sum(r => r!["quantity"]!.GetValue<long>()));
    }

    [Fact]
    public async Task Replay_NeitherIdNorFilter_UsageError()
    {
        var result = await CliHarness.RunAsync("quarantine", "replay", "--url", Url);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("give either an event id or --source and/or --kind", result.Error, StringComparison.Ordinal);
    }
}

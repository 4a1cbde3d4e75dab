namespace Billing.Cli.Tests.Commands;

/// <summary>
/// <c>billing partners</c> and <c>billing rollups</c> against the real function app behind the DevHost on Azurite: what
/// the CLI sends is what the API takes (a PATCH leaves unset fields alone), and what it prints is read from the API's answers.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class PartnersCommandsTests(PlatformFixture platform)
{
    private string Url => platform.Host.BaseAddress.ToString().TrimEnd('/');

    private async Task<CliHarness.Result> RunOkAsync(params string[] args)
    {
        var result = await CliHarness.RunAsync([.. args, "--url", Url]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    [Fact]
    public async Task Partners_Lifecycle_EveryCommandChangesAndPrintsWhatTheApiHolds()
    {
        string id = "carrier-cli-" + Guid.NewGuid().ToString("N")[..8];

        var created = await RunOkAsync("partners", "create", id, "--role", "carrier", "--plan", "carrier-standard-v1", "--name", "Acme Mobile", "--email", "ap@acme.example");
        string firstKey = created.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Trim();
        var renamed = await RunOkAsync("partners", "update", id, "--name", "Acme Mobile EU");
        var replanned = await RunOkAsync("partners", "update", id, "--plan", "bandwidth-standard-v1");
        var disabled = await RunOkAsync("partners", "disable", id);
        var enabled = await RunOkAsync("partners", "enable", id);
        var rotated = await RunOkAsync("partners", "rotate-key", id);
        var shown = await RunOkAsync("partners", "get", id);
        var listed = await RunOkAsync("partners", "list");
        var audit = await RunOkAsync("partners", "audit", id);
        var auditJson = await RunOkAsync("partners", "audit", id, "--json");
        var verified = await RunOkAsync("partners", "verify", id);

        Assert.StartsWith($"created {id}  carrier  carrier-standard-v1  active", created.Out, StringComparison.Ordinal);
        Assert.StartsWith("dbk_", firstKey, StringComparison.Ordinal);
        // A rename leaves the email alone: the PATCH carried the name only.
        Assert.Contains("name: Acme Mobile EU  email: ap@acme.example", renamed.Out, StringComparison.Ordinal);
        Assert.Matches($@"{id}  carrier  carrier-standard-v1 → bandwidth-standard-v1 from \d{{4}}-\d{{2}}", replanned.Out);
        Assert.Contains($"{id}  carrier", disabled.Out, StringComparison.Ordinal);
        Assert.Contains("  disabled", disabled.Out, StringComparison.Ordinal);
        Assert.Contains("  active", enabled.Out, StringComparison.Ordinal);
        Assert.Matches(@"new key \S+; previous keys valid until \d{4}-", rotated.Out);
        string secondKey = rotated.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Trim();
        Assert.NotEqual(firstKey, secondKey);
        Assert.Contains("name: Acme Mobile EU  email: ap@acme.example  stripe: -", shown.Out, StringComparison.Ordinal);
        Assert.Equal(2, shown.Out.Split('\n').Count(l => l.StartsWith("  key ", StringComparison.Ordinal)));
        Assert.Contains("valid until", shown.Out, StringComparison.Ordinal);
        Assert.Contains(listed.Out.Split('\n'), l => l.StartsWith($"{id}  carrier  carrier-standard-v1 → bandwidth-standard-v1", StringComparison.Ordinal));
        Assert.Contains("displayName: Acme Mobile → Acme Mobile EU", audit.Out, StringComparison.Ordinal);
        Assert.Contains("status: active → disabled", audit.Out, StringComparison.Ordinal);
        var entries = JsonNode.Parse(auditJson.Out)!["entries"]!.AsArray();
        Assert.Equal(audit.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length, entries.Count);
        Assert.All(entries, e => Assert.Equal(id, (string?)e!["partner"]));
        Assert.Contains($"{id}: ok ({entries.Count} entries)", verified.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PartnersRotateKey_RevokePrevious_PrintsTheRevokedKeyAndTheOldKeyIsRefused()
    {
        string id = "carrier-cli-" + Guid.NewGuid().ToString("N")[..8];
        var created = await RunOkAsync("partners", "create", id, "--role", "carrier", "--plan", "carrier-standard-v1", "--name", "Leaky Mobile", "--email", "ap@leaky.example");
        string firstKey = created.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Trim();
        string firstId = JsonNode.Parse((await RunOkAsync("partners", "get", id, "--json")).Out)!["keys"]![0]!["id"]!.GetValue<string>();

        var rotated = await RunOkAsync("partners", "rotate-key", id, "--revoke-previous");

        Assert.Contains($"previous keys revoked now: {firstId}", rotated.Out, StringComparison.Ordinal);
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/me");
        request.Headers.Add("X-Api-Key", firstKey);
        using var old = await platform.Client.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, old.StatusCode);
    }

    [Fact]
    public async Task PartnersProviders_CreateUpdateAndRevoke_ListedAndAudited()
    {
        string id = "tenant-cli-" + Guid.NewGuid().ToString("N")[..8];

        var created = await RunOkAsync("partners", "create", id, "--role", "tenant", "--plan", "compute-standard-v1", "--name", "Lab", "--email", "ap@lab.example", "--providers", "provider-nodeops");
        var revoked = await RunOkAsync("partners", "update", id, "--providers", "");
        var listed = await RunOkAsync("partners", "list");
        var regranted = await RunOkAsync("partners", "update", id, "--providers", "provider-nodeops");
        var refused = await CliHarness.RunAsync("partners", "update", id, "--providers", "tenant-lab", "--url", Url);
        var audit = await RunOkAsync("partners", "audit", id);

        Assert.StartsWith($"created {id}  tenant  compute-standard-v1  active  providers: provider-nodeops", created.Out, StringComparison.Ordinal);
        Assert.Contains($"{id}  tenant  compute-standard-v1  active  providers: none", revoked.Out, StringComparison.Ordinal);
        Assert.Contains(listed.Out.Split('\n'), l => l.StartsWith($"{id}  tenant  compute-standard-v1  active  providers: none", StringComparison.Ordinal));
        Assert.Contains(listed.Out.Split('\n'), l => l.StartsWith("provider-nodeops  provider  -  active", StringComparison.Ordinal) && !l.Contains("providers:", StringComparison.Ordinal));
        Assert.Contains("providers: provider-nodeops", regranted.Out, StringComparison.Ordinal);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("providers", refused.Error, StringComparison.Ordinal);
        Assert.Equal(2, audit.Out.Split('\n').Count(l => l.Contains("providers-change", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task PartnersUpdate_NothingToChange_RefusesWithoutCallingTheApi()
    {
        var result = await CliHarness.RunAsync("partners", "update", "carrier-tmo", "--url", "http://127.0.0.1:9");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("nothing to change", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rollups_VerifyThenRebuild_PrintTheApisCounts()
    {
        string month = DateTimeOffset.UtcNow.ToString("yyyy-MM", CultureInfo.InvariantCulture);

        var verified = await RunOkAsync("rollups", "verify", "--payer", "carrier-tmo", "--month", month);
        var rebuilt = await RunOkAsync("rollups", "rebuild", "--payer", "carrier-tmo", "--month", month);

        Assert.Matches($@"^rollups verify carrier-tmo {month}: ok \(\d+ facts, \d+ buckets, 0 difference\(s\)\)", verified.Out);
        Assert.Matches($@"^rollups rebuild carrier-tmo {month}: \d+ row\(s\) changed \(\d+ facts, \d+ buckets\)", rebuilt.Out);
    }
}

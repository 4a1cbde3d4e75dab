namespace Billing.Cli.Tests;

/// <summary>
/// generate → send → usage against the real function app behind the DevHost on Azurite.
/// Each test uses its own seed, so its hotspots and leases are its own and totals can be compared exactly.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed partial class PlatformTests(PlatformFixture platform) : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("billing-cli-platform-").FullName;

    // One instant for every file a test generates: generated each at its own "now", two files of the same seed differed
    // whenever a second ticked between them (SendGenerated_WithDuplicatesAndLate failed so on a loaded machine).
    private readonly string now = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string PlatformLog()
    {
        lock (platform.Logs)
        {
            return string.Join('\n', platform.Logs.TakeLast(40));
        }
    }

    private string Url => platform.Host.BaseAddress.ToString().TrimEnd('/');

    private Task<(string Path, string[] Lines)> GenerateAsync(int seed, params string[] extra) => GenerateAsync(seed, 400, 2, extra);

    private async Task<(string Path, string[] Lines)> GenerateAsync(int seed, int sessions, int leases, params string[] extra)
    {
        string path = Path.Combine(dir, $"seed{seed}-{Guid.NewGuid():N}.ndjson");
        var result = await CliHarness.RunAsync(["generate", "--seed", seed.ToString(CultureInfo.InvariantCulture), "--now", now, "--sessions", sessions.ToString(CultureInfo.InvariantCulture), "--hotspots", "12", "--leases", leases.ToString(CultureInfo.InvariantCulture), "--out", path, .. extra]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return (path, await File.ReadAllLinesAsync(path));
    }

    /// <summary>The send summary row: read, sent, accepted, rejected, unparseable, requests.</summary>
    private static int[] SummaryRow(string output)
    {
        var match = SummaryPattern().Match(output);
        Assert.True(match.Success, output);
        return [.. Enumerable.Range(1, 6).Select(i => int.Parse(match.Groups[i].Value, CultureInfo.InvariantCulture))];
    }

    [GeneratedRegex(@"│\s*(\d+)\s*│\s*(\d+)\s*│\s*(\d+)\s*│\s*(\d+)\s*│\s*(\d+)\s*│\s*(\d+)\s*│")]
    private static partial Regex SummaryPattern();

    private static (Dictionary<string, decimal> BytesByHotspot, Dictionary<string, decimal> GpuSecondsByLease, DateOnly Month) Expected(IEnumerable<string> lines)
    {
        var bytes = new Dictionary<string, decimal>();
        var gpu = new Dictionary<string, decimal>();
        var seen = new HashSet<string>();
        DateOnly month = default;
        foreach (string line in lines)
        {
            var e = JsonNode.Parse(line)!;
            if (!seen.Add((string)e["source"]! + "|" + (string)e["id"]!))
            {
                continue;
            }

            var d = e["data"]!;
            var time = DateTimeOffset.Parse((string)e["time"]!, CultureInfo.InvariantCulture).UtcDateTime;
            month = new DateOnly(time.Year, time.Month, 1);
            if ((string?)e["type"] == "depin.carrier.offload.v1")
            {
                string h = (string)d["hotspotId"]!;
                bytes[h] = bytes.GetValueOrDefault(h) + (long)d["rewardableBytes"]!;
            }
            else
            {
                string lease = (string)d["leaseId"]!;
                var seconds = (DateTimeOffset.Parse((string)d["intervalEnd"]!, CultureInfo.InvariantCulture) - DateTimeOffset.Parse((string)d["intervalStart"]!, CultureInfo.InvariantCulture)).TotalSeconds;
                gpu[lease] = gpu.GetValueOrDefault(lease) + ((int)d["gpuCount"]! * (decimal)seconds);
            }
        }

        return (bytes, gpu, month);
    }

    /// <summary><c>billing usage --json</c> summed per group value, keeping only the groups in <paramref name="mine"/>.</summary>
    private async Task<Dictionary<string, decimal>> UsageAsync(string payer, string meter, string groupBy, DateOnly month, ICollection<string> mine)
    {
        var result = await CliHarness.RunAsync(
            "usage", "--url", Url, "--key", PlatformFixture.FinanceKey, "--payer", payer, "--meter", meter,
            "--from", month.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "--to", month.AddMonths(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            "--window", "month", "--group-by", groupBy, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var totals = new Dictionary<string, decimal>();
        foreach (var row in JsonNode.Parse(result.Out)!["rows"]!.AsArray())
        {
            string key = (string)row!["group"]![groupBy]!;
            if (mine.Contains(key))
            {
                totals[key] = totals.GetValueOrDefault(key) + decimal.Parse(row["quantity"]!.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
            }
        }

        return totals;
    }

    private async Task AssertTotalsAsync(IEnumerable<string> lines)
    {
        var (bytes, gpu, month) = Expected(lines);
        var actualBytes = await UsageAsync("carrier-tmo", "offload.bytes", "hotspot", month, bytes.Keys);
        var actualGpu = await UsageAsync("tenant-lab", "compute.gpu_seconds", "lease", month, gpu.Keys);
        Assert.Equal(bytes.OrderBy(p => p.Key), actualBytes.OrderBy(p => p.Key));
        Assert.Equal(gpu.OrderBy(p => p.Key), actualGpu.OrderBy(p => p.Key));
    }

    [Fact]
    public async Task SendGenerated_AllEventsAccepted_UsageTotalsMatchTheFile()
    {
        var (path, lines) = await GenerateAsync(101);

        var send = await CliHarness.RunAsync("send", path, "--url", Url, "--batch", "250");

        Assert.True(send.ExitCode == 0, send.ToString());
        int[] row = SummaryRow(send.Out);
        Assert.Equal(lines.Length, row[0]); // read
        Assert.Equal(lines.Distinct().Count(), row[2]); // accepted == generated distinct
        Assert.Equal(0, row[3]); // rejected
        Assert.Equal(0, row[4]); // unparseable

        await platform.DrainAsync();
        await AssertTotalsAsync(lines);
    }

    [Fact]
    public async Task SendGenerated_WithDuplicatesAndLate_TotalsCountEachEventOnce()
    {
        var (plainPath, plain) = await GenerateAsync(202, "--late", "5");
        var (dupPath, withDuplicates) = await GenerateAsync(202, "--late", "5", "--duplicates", "0.1");
        Assert.True(withDuplicates.Length > plain.Length);
        Assert.Equal(plain.ToHashSet(), withDuplicates.ToHashSet());

        var send = await CliHarness.RunAsync("send", dupPath, "--url", Url);
        Assert.True(send.ExitCode == 0, send.ToString());
        Assert.Equal(0, SummaryRow(send.Out)[3]);
        await platform.DrainAsync();
        await AssertTotalsAsync(plain);

        // Sending everything again (the plain file and the duplicated one) changes no total.
        var again = await CliHarness.RunAsync("send", plainPath, dupPath, "--url", Url);
        Assert.True(again.ExitCode == 0, again.ToString());
        await platform.DrainAsync();
        await AssertTotalsAsync(plain);
    }

    [Fact]
    public async Task Send_BadLinesAgainstPlatform_SkipsThemSendsTheRestAndExits1()
    {
        var (_, lines) = await GenerateAsync(303, 20, 0);
        string path = Path.Combine(dir, "with-bad-lines.ndjson");
        await File.WriteAllLinesAsync(path, [lines[0], "this is not json", .. lines[1..10], "{\"truncated\":", .. lines[10..]]);

        var send = await CliHarness.RunAsync("send", path, "--url", Url);

        Assert.Equal(1, send.ExitCode);
        Assert.Contains("with-bad-lines.ndjson:2", send.Error, StringComparison.Ordinal);
        Assert.Contains("with-bad-lines.ndjson:12", send.Error, StringComparison.Ordinal);
        int[] row = SummaryRow(send.Out);
        Assert.Equal(lines.Length, row[2]);
        Assert.Equal(2, row[4]);
        await platform.DrainAsync();
        await AssertTotalsAsync(lines);
    }

    [Fact]
    public async Task Send_EventRejectedByPlatform_ReportsReasonAndLine()
    {
        string path = Path.Combine(dir, "old.ndjson");
        var old = SampleEvents.Carrier("cli-old-1", PlatformFixture.NewHotspot(), 1, 2, DateTimeOffset.UtcNow.AddDays(-40));
        var ok = SampleEvents.Carrier("cli-ok-1", PlatformFixture.NewHotspot(), 1, 2);
        await File.WriteAllLinesAsync(path, [ok.ToJsonString(), old.ToJsonString()]);

        var send = await CliHarness.RunAsync("send", path, "--url", Url);

        Assert.Equal(1, send.ExitCode);
        int[] row = SummaryRow(send.Out);
        Assert.Equal(1, row[2]);
        Assert.Equal(1, row[3]);
        Assert.Contains("old.ndjson:2", send.Out, StringComparison.Ordinal);
        Assert.Contains("cli-old-1", send.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_WrongKey_ExitsWithAuthFailure()
    {
        string path = Path.Combine(dir, "one.ndjson");
        await File.WriteAllTextAsync(path, SampleEvents.Carrier("cli-auth-1", PlatformFixture.NewHotspot(), 1, 2).ToJsonString() + "\n");

        var send = await CliHarness.RunAsync("send", path, "--url", Url, "--key", "not-a-key");

        Assert.Equal(3, send.ExitCode);
    }

    [Fact]
    public async Task Usage_InvalidMeter_PrintsApiFieldErrorsAndExits1()
    {
        var result = await CliHarness.RunAsync("usage", "--url", Url, "--payer", "carrier-tmo", "--meter", "nope");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("meter: unknown meter 'nope'", result.Error, StringComparison.Ordinal);
    }

    private async Task<(string Period, string InvoiceId)> SendAndCloseAsync(int seed)
    {
        var (path, _) = await GenerateAsync(seed, 150, 1);
        var send = await CliHarness.RunAsync("send", path, "--url", Url);
        Assert.True(send.ExitCode == 0, send.ToString());
        await platform.DrainAsync();

        var now = DateTimeOffset.UtcNow;
        var month = new DateOnly(now.Year, now.Month, 1).AddMonths(-1);
        string period = month.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        string invoiceId = $"INV-carrier-tmo-{month:yyyyMM}";
        var close = await CliHarness.RunAsync("periods", "close", period, "--url", Url);
        Assert.True(close.ExitCode == 0, close.ToString());
        Assert.Contains(invoiceId, close.Out, StringComparison.Ordinal);
        return (period, invoiceId);
    }

    [Fact]
    public async Task PeriodsCloseAndInvoices_LivePlatform_ListGetAndCsv()
    {
        var (period, invoiceId) = await SendAndCloseAsync(404);

        var again = await CliHarness.RunAsync("periods", "close", period, "--url", Url);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains(invoiceId, again.Out, StringComparison.Ordinal);

        var list = await CliHarness.RunAsync("invoices", "list", "--period", period, "--payer", "carrier-tmo", "--url", Url);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(invoiceId, list.Out, StringComparison.Ordinal);

        var table = await CliHarness.RunAsync("invoices", "get", invoiceId, "--url", Url);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("offload.bytes", table.Out, StringComparison.Ordinal);
        Assert.Contains("carrier-standard-v1", table.Out, StringComparison.Ordinal);

        var csv = await CliHarness.RunAsync("invoices", "get", invoiceId, "--format", "csv", "--url", Url);
        Assert.True(csv.ExitCode == 0, csv.ToString());
        Assert.StartsWith("invoice_id,payer,period_start,period_end,line,meter,group,quantity,unit,unit_price,amount,currency", csv.Out, StringComparison.Ordinal);

        var export = await CliHarness.RunAsync("invoices", "export", "--period", period, "--format", "json", "--url", Url);
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.Contains(JsonNode.Parse(export.Out)!.AsArray(), i => (string?)i!["id"] == invoiceId && i["lines"] is JsonArray);
    }

    [Fact]
    public async Task PayAndBurns_LivePlatform_BurnFinalizedOnceAndReplayIsNoOp()
    {
        var (_, invoiceId) = await SendAndCloseAsync(505);

        var pay = await CliHarness.RunAsync("pay", invoiceId, "--url", Url);
        Assert.True(pay.ExitCode == 0, pay + "\n--- platform log ---\n" + PlatformLog());

        string status = "";
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            var burns = await CliHarness.RunAsync("burns", "--invoice", invoiceId, "--json", "--url", Url);
            Assert.True(burns.ExitCode == 0, burns.ToString());
            var burn = JsonNode.Parse(burns.Out)!.AsArray().SingleOrDefault();
            status = (string?)burn?["status"] ?? "";
            if (status is "finalized" or "failed")
            {
                break;
            }

            await Task.Delay(1000);
        }

        Assert.Equal("finalized", status);
        var rendered = await CliHarness.RunAsync("burns", "--invoice", invoiceId, "--url", Url);
        Assert.Contains("finalized", rendered.Out, StringComparison.Ordinal);

        // Paying again is a replay: still one burn.
        var again = await CliHarness.RunAsync("pay", invoiceId, "--url", Url);
        Assert.True(again.ExitCode == 0, again.ToString());
        var after = await CliHarness.RunAsync("burns", "--invoice", invoiceId, "--json", "--url", Url);
        Assert.Single(JsonNode.Parse(after.Out)!.AsArray());
    }

    [Fact]
    public async Task PartnersVerify_LivePlatform_OkUntilAPlanIsChangedInTheRow_ThenExits1()
    {
        var before = await CliHarness.RunAsync("partners", "verify", "--url", Url);
        var created = await CliHarness.RunAsync("partners", "create", "carrier-cli-verify", "--role", "carrier", "--plan", "carrier-standard-v1", "--name", "CLI", "--email", "b@cli.example", "--url", Url);
        var table = new Azure.Data.Tables.TableServiceClient(platform.ConnectionString).GetTableClient(platform.TablePrefix + "partners");
        await table.UpdateEntityAsync(new Azure.Data.Tables.TableEntity("p", "carrier-cli-verify") { ["PlanId"] = "carrier-free-v0" }, Azure.ETag.All, Azure.Data.Tables.TableUpdateMode.Merge);

        var after = await CliHarness.RunAsync("partners", "verify", "carrier-cli-verify", "--url", Url);

        Assert.True(before.ExitCode == 0, before + "\n--- platform log ---\n" + PlatformLog());
        Assert.Matches(@"partners verify: ok \(\d+ partners\)", before.Out);
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Equal(1, after.ExitCode);
        Assert.Contains("carrier-cli-verify: FAILED", after.Out, StringComparison.Ordinal);
        Assert.Contains("carrier-free-v0", after.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LedgerVerify_LivePlatform_Ok()
    {
        var result = await CliHarness.RunAsync("ledger", "verify", "--url", Url);

        Assert.True(result.ExitCode == 0, result + "\n--- platform log ---\n" + PlatformLog());
        Assert.Matches(@"ledger verify: ok \(\d+ entries, \d+ anchors\)", result.Out);
    }

    [Fact]
    public async Task LedgerVerify_IndependentChainVerifier_AgreesWithApiAndInvoiceVerifies()
    {
        var (_, invoiceId) = await SendAndCloseAsync(707);
        await platform.AnchorLedgerAsync("invoice-finalized:" + invoiceId);

        string rpc = platform.Localnet.RpcUrl.ToString();
        string authority = platform.Localnet.Info.TreasuryOwner;
        string[] chainArgs = ["--rpc", rpc, "--authority", authority, "--ledger", platform.TablePrefix, "--url", Url];

        var api = await CliHarness.RunAsync("ledger", "verify", "--json", "--url", Url);
        var chain = await CliHarness.RunAsync(["ledger", "verify", .. chainArgs]);
        var invoice = await CliHarness.RunAsync(["invoices", "verify", invoiceId, .. chainArgs, "--key", PlatformFixture.CarrierKey]);
        var entry = await CliHarness.RunAsync(["ledger", "verify", "--entry", "invoice-finalized:" + invoiceId, .. chainArgs]);
        var stranger = await CliHarness.RunAsync(["invoices", "verify", invoiceId, "--rpc", rpc, "--authority", "11111111111111111111111111111111", "--ledger", platform.TablePrefix, "--url", Url]);
        var silent = await CliHarness.RunAsync(["ledger", "verify", .. chainArgs, "--max-silence-minutes", "0"]); // every anchor on chain is too old

        Assert.True(api.ExitCode == 0, api + "\n--- platform log ---\n" + PlatformLog());
        Assert.True(chain.ExitCode == 0, chain.ToString());
        Assert.Matches(@"ledger verify \(chain\): ok \(\d+ entries, [1-9]\d* anchors on chain\)", chain.Out);
        Assert.Equal(JsonNode.Parse(api.Out)!["anchors"]!.GetValue<int>().ToString(CultureInfo.InvariantCulture), Regex.Match(chain.Out, @"(\d+) anchors on chain").Groups[1].Value);
        Assert.True(invoice.ExitCode == 0, invoice.ToString());
        Assert.Contains($"verify {invoiceId}: ok", invoice.Out, StringComparison.Ordinal);
        Assert.True(entry.ExitCode == 0, entry.ToString());
        Assert.NotEqual(0, stranger.ExitCode); // the proof's transaction is not signed by that key
        Assert.Contains("not signed by the anchor authority", stranger.Out, StringComparison.Ordinal);
        Assert.NotEqual(0, silent.ExitCode);
        Assert.Contains("AnchoringStalled", silent.Out, StringComparison.Ordinal); // judged by the anchors' block times on chain

        // The anchored entry pins the payer's audit chain as the close booked it (docs/design.md §4.14).
        using var listed = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, "api/v1/ledger/entries?limit=1000", PlatformFixture.FinanceKey));
        var booked = Assert.Single(JsonNode.Parse(await listed.Content.ReadAsStringAsync())!["entries"]!.AsArray(),
            e => e!["entryId"]!.GetValue<string>() == "invoice-finalized:" + invoiceId)!;
        Assert.Matches("^[1-9][0-9]*$", booked["metadata"]!["payerAuditCount"]!.GetValue<string>());
        Assert.Matches("^[0-9a-f]{64}$", booked["metadata"]!["payerAuditHead"]!.GetValue<string>());
    }

    [Fact]
    public async Task Demo_LivePlatform_EveryStepSucceeds()
    {
        var result = await CliHarness.RunAsync("demo", "--url", Url, "--seed", "606", "--sessions", "150", "--leases", "1", "--burn-timeout", "90");

        Assert.True(result.ExitCode == 0, result + "\n--- platform log ---\n" + PlatformLog());
        Assert.Contains("burn signature:\n", result.Out, StringComparison.Ordinal); // the signature follows whole on a line of its own
        Assert.Contains("ledger verify: ok", result.Out, StringComparison.Ordinal);
    }
}

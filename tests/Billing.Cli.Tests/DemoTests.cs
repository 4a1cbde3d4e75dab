namespace Billing.Cli.Tests;

/// <summary>
/// <c>billing demo</c> against a stateful loopback stub that behaves like the platform (dedup, metering totals,
/// close, invoices, webhook, burns, ledger verify), so the whole orchestration and its exit codes are covered.
/// </summary>
public sealed class DemoTests(Xunit.Abstractions.ITestOutputHelper log)
{
    /// <param name="knowsNetworks">Whether the platform defines the declarative networks' types (the engine merged);
    /// without, it rejects them as the platform does: "type: unknown event type".</param>
    /// <param name="plansKnown">Whether the close can bill the network tenants; without, their close fails as with an unknown plan.</param>
    private sealed class FakePlatform(string finalBurnStatus, string signature = "4demoSignature", bool knowsNetworks = false, bool plansKnown = true)
    {
        private readonly Dictionary<string, JsonObject> events = [];
        private int burnPolls;

        public bool Paid { get; private set; }

        public bool Anchored { get; private set; }

        public (int, string, string) Handle(StubServer.Recorded r)
        {
            string path = r.PathAndQuery.Split('?')[0];
            var query = System.Web.HttpUtility.ParseQueryString(r.PathAndQuery.Contains('?', StringComparison.Ordinal) ? r.PathAndQuery[(r.PathAndQuery.IndexOf('?', StringComparison.Ordinal) + 1)..] : "");
            lock (events)
            {
                switch (r.Method, path)
                {
                    case ("GET", "/api/health"):
                        return Ok("""{"status":"ok"}""");
                    case ("POST", "/api/v1/usage"):
                        var batch = JsonNode.Parse(r.Body)!.AsArray();
                        var unknown = new JsonArray();
                        for (int i = 0; i < batch.Count; i++)
                        {
                            var e = batch[i]!;
                            if (!knowsNetworks && (string?)e["type"] is not ("depin.carrier.offload.v1" or "depin.compute.usage.v1"))
                            {
                                unknown.Add(new JsonObject { ["index"] = i, ["id"] = (string?)e["id"], ["errors"] = new JsonArray($"type: unknown event type '{(string?)e["type"]}'") });
                                continue;
                            }

                            events[(string)e["source"]! + "|" + (string)e["id"]!] = e.AsObject();
                        }

                        return unknown.Count == batch.Count
                            ? (400, "application/problem+json", $$"""{"title":"No event accepted","status":400,"accepted":0,"rejected":{{unknown.ToJsonString()}}}""")
                            : (202, "application/json", $$"""{"accepted":{{batch.Count - unknown.Count}},"rejected":{{unknown.ToJsonString()}}}""");
                    case ("GET", "/api/v1/usage"):
                        decimal total = 0;
                        foreach (var e in events.Values)
                        {
                            var d = e["data"]!;
                            if (query["meter"] == "offload.bytes" && (string?)e["source"] == query["payer"])
                            {
                                total += (long)d["rewardableBytes"]!;
                            }
                            else if (query["meter"] == "compute.gpu_seconds" && (string?)d["tenantId"] == query["payer"])
                            {
                                total += (int)d["gpuCount"]! * 3600;
                            }
                            else if (SampleNetwork.All.FirstOrDefault(n => n.Meter == query["meter"] && n.Type == (string?)e["type"]) is { } network && (string?)d["customerId"] == query["payer"])
                            {
                                total += (long)d[network.MeterField]!;
                            }
                        }

                        return Ok($$"""{"payer":"{{query["payer"]}}","meter":"{{query["meter"]}}","window":"month","rows":[{"windowStart":"2026-10-01T00:00:00Z","group":{},"quantity":{{total.ToString(CultureInfo.InvariantCulture)}}}]}""");
                    case ("POST", _) when path.StartsWith("/api/v1/periods/", StringComparison.Ordinal):
                        string period = path.Split('/')[4];
                        string compact = period.Replace("-", "", StringComparison.Ordinal);
                        string networkInvoices = knowsNetworks && plansKnown ? string.Concat(SampleNetwork.All.Select(n => "," + Summary(n.Tenant, compact, n.Plan))) : "";
                        string failed = plansKnown ? "[]" : $$"""[{"payer":"tenant-scraper","reason":"Unknown price plan 'bandwidth-standard-v1'"}]""";
                        return Ok($$"""{"period":"{{period}}","invoices":[{{Summary("carrier-tmo", compact, "carrier-standard-v1")}},{{Summary("tenant-lab", compact, "compute-standard-v1")}}{{networkInvoices}}],"failed":{{failed}}}""");
                    case ("GET", _) when path.StartsWith("/api/v1/invoices/", StringComparison.Ordinal):
                        string id = Uri.UnescapeDataString(path["/api/v1/invoices/".Length..]);
                        return Ok($$"""{"id":"{{id}}","payer":"x","plan":"p","period":{"start":"2026-10-01T00:00:00Z","end":"2026-11-01T00:00:00Z"},"status":"finalized","currency":"USD","lines":[{"meter":"offload.bytes","description":"Data offload","group":{},"quantity":100,"unit":"DC","unitPrice":"0.00001","amount":"12.34"},{"meter":"compute.gpu_seconds","description":"GPU compute (RTX4090)","group":{"gpuModel":"RTX4090"},"quantity":123456.123456,"unit":"GPU-hour","unitPrice":"0.40","amount":"49382.45"}],"total":"12.34","totalMinor":1234,"stripeInvoiceId":"in_1QxYzAbCdEfGhIjKlMnOpQrS"}""");
                    case ("POST", "/api/v1/stripe/webhook"):
                        Paid = r.Headers.ContainsKey("Stripe-Signature") && r.Body.Contains("\"invoice.paid\"", StringComparison.Ordinal);
                        return Ok("""{"received":true,"replay":false}""");
                    case ("GET", "/api/v1/burns"):
                        string status = !Paid ? "none" : ++burnPolls < 3 ? "submitted" : finalBurnStatus;
                        return Ok(status == "none" ? "[]" : $$"""[{"id":"burn-1","invoiceId":"{{query["invoiceId"]}}","usdMinor":1234,"price":"2.50","tokenAmount":"493600000","decimals":8,"status":"{{status}}","signature":"{{signature}}","slot":77,"currency":"USD"}]""");
                    case ("GET", "/api/v1/ledger/verify"):
                        return Ok("""{"ok":true,"entries":5,"anchors":1,"pendingAnchors":0,"problems":[]}""");
                    case ("GET", "/api/v1/audit/verify"):
                        return Ok("""{"ok":true,"partners":[{"partner":"carrier-tmo","ok":true,"entries":1,"head":"ab","problems":[],"details":[]},{"partner":"finance","ok":true,"entries":1,"head":"cd","problems":[],"details":[]}]}""");
                    case ("GET", "/api/v1/ledger/balances"):
                        return Ok("""{"payer":null,"balances":[{"account":"cash:stripe","asset":"USD","amount":"233080"},{"account":"receivable:carrier-tmo","asset":"USD","amount":"0"},{"account":"burned:tokens","asset":"TOKEN","amount":"93232000000"}]}""");
                    case ("POST", "/admin/functions/AnchorLedger"):
                        Anchored = true;
                        return (202, "application/json", "{}");
                    default:
                        return (404, "application/problem+json", """{"title":"Not found","status":404}""");
                }
            }
        }

        private static string Summary(string payer, string compact, string plan) =>
            $$"""{"id":"INV-{{payer}}-{{compact}}","payer":"{{payer}}","plan":"{{plan}}","period":{"start":"2026-10-01T00:00:00Z","end":"2026-11-01T00:00:00Z"},"status":"finalized","currency":"USD","total":"12.34","totalMinor":1234,"lines":1,"stripeInvoiceId":"in_1QxYzAbCdEfGhIjKlMnOpQrS"}""";

        private static (int, string, string) Ok(string body) => (200, "application/json", body);
    }

    /// <summary>Runs the demo against the fake; the requests are kept after the server stops.</summary>
    private async Task<(CliHarness.Result Result, List<StubServer.Recorded> Requests)> RunDemoAsync(FakePlatform fake, string[] args, int width = 400)
    {
        await using var server = await StubServer.StartAsync((r, _) => fake.Handle(r));
        var result = await CliHarness.RunAsync(["demo", "--url", server.Url, .. args], null, width: width);
        log.WriteLine(result.ToString());
        return (result, [.. server.Requests]);
    }

    private static List<StubServer.Recorded> PostedWith(List<StubServer.Recorded> requests, SampleNetwork network) =>
        requests.Where(r => r.PathAndQuery == "/api/v1/usage" && r.Headers["X-Api-Key"] == network.DevProviderKey).ToList();

    [Fact]
    public async Task Demo_PlatformWorks_RunsEveryStepAndExits0()
    {
        var fake = new FakePlatform("finalized");
        await using var server = await StubServer.StartAsync((r, _) => fake.Handle(r));

        var result = await CliHarness.RunAsync("demo", "--url", server.Url, "--sessions", "60", "--leases", "1");
        log.WriteLine(result.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(fake.Paid);
        Assert.True(fake.Anchored);
        foreach (string expected in new[] { "8. Ledger balances", "cash:stripe", "9. Anchor the ledger", "1. Platform", "3. Send usage", "5. Close period", "INV-carrier-tmo-", "Data offload", "7. Wait for the token burn", "burn signature:\n4demoSignature\n", "2,330.80 USD", "932.32000000 TOKEN", "tokens burned: 4.93600000", "ledger verify: ok (5 entries, 1 anchors)", "partners verify: ok (2 partners)" })
        {
            Assert.Contains(expected, result.Out, StringComparison.Ordinal);
        }

        var sent = server.Requests.Where(r => r.Method == "POST" && r.PathAndQuery == "/api/v1/usage").ToList();
        Assert.Contains(sent, r => r.Headers["X-Api-Key"] == "dev-carrier-tmo-key");
        Assert.Contains(sent, r => r.Headers["X-Api-Key"] == "dev-provider-nodeops-key");
        Assert.All(server.Requests.Where(r => r.PathAndQuery.StartsWith("/api/v1/periods/", StringComparison.Ordinal)), r => Assert.Equal("dev-finance-key", r.Headers["X-Api-Key"]));
    }

    [Fact]
    public async Task Demo_PipedAt80Columns_NoLineWiderThan80AndTheFullSignatureOnItsOwnLine()
    {
        const string Signature = "5Kq3Vd9xR2mJYwTqz8NfA4pLsB7cHeU1gWiXoZkD6rMtQn3yEvGbCu2aSjPhFw9LxTdRe8KmYq7NzBa4VcUo1x9Tz";
        var fake = new FakePlatform("finalized", Signature);
        await using var server = await StubServer.StartAsync((r, _) => fake.Handle(r));

        var result = await CliHarness.RunAsync(["demo", "--url", server.Url, "--sessions", "60", "--leases", "1"], null, width: 80);
        log.WriteLine(result.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Out.Split('\n');
        Assert.Contains(Signature, lines); // whole, alone on its line: copyable
        Assert.All(lines.Where(l => l != Signature), l => Assert.True(l.Length <= 80, $"{l.Length} columns: {l}"));
        Assert.Contains("5Kq3…x9Tz", result.Out, StringComparison.Ordinal); // shortened in the burn table
    }

    [Fact]
    public async Task Demo_PlatformWithoutNetworkTypes_SkipsEachNetworkAfterOneProbeEvent()
    {
        var (result, requests) = await RunDemoAsync(new FakePlatform("finalized"), ["--sessions", "30", "--leases", "1"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var network in SampleNetwork.All)
        {
            Assert.Contains($"{network.Name}: skipped: this build does not define {network.Type}", result.Out, StringComparison.Ordinal);
            Assert.Single(JsonNode.Parse(Assert.Single(PostedWith(requests, network)).Body)!.AsArray()); // a probe of one event, nothing more
        }

        Assert.DoesNotContain("5b.", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(requests, r => r.PathAndQuery.Contains("tenant-scraper", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Demo_PlatformWithNetworkTypes_SendsEachWithItsProviderKeyAndPrintsTenantInvoicesIn80Columns()
    {
        var fake = new FakePlatform("finalized", knowsNetworks: true);
        var (result, requests) = await RunDemoAsync(fake, ["--sessions", "60", "--leases", "1", "--network-events", "30"], width: 80);

        Assert.True(result.ExitCode == 0, result.ToString());
        string tail = result.Out[result.Out.IndexOf("5b. Invoices of the declarative networks", StringComparison.Ordinal)..];
        foreach (var network in SampleNetwork.All)
        {
            var posted = PostedWith(requests, network);
            Assert.Equal(30, posted.Sum(r => JsonNode.Parse(r.Body)!.AsArray().Count));
            Assert.All(posted.SelectMany(r => JsonNode.Parse(r.Body)!.AsArray()), e => Assert.Equal(network.Type, (string?)e!["type"]));
            Assert.Contains($"{network.Name}: 30 events as {network.Provider} for {network.Tenant}", result.Out, StringComparison.Ordinal);
            Assert.Contains(network.Meter + " ", result.Out, StringComparison.Ordinal); // waited for its metering
            Assert.Contains($"INV-{network.Tenant}-", tail, StringComparison.Ordinal);
        }

        Assert.True(result.Out.IndexOf("4b. Usage of the declarative networks", StringComparison.Ordinal) < result.Out.IndexOf("5. Close period", StringComparison.Ordinal));
        Assert.All(result.Out.Split('\n').Where(l => !l.StartsWith("4demoSignature", StringComparison.Ordinal)), l => Assert.True(l.Length <= 80, $"{l.Length} columns: {l}"));
        Assert.True(fake.Paid);
    }

    [Fact]
    public async Task Demo_NetworkTenantNotInvoiced_Exits1WithTheCloseReason()
    {
        var fake = new FakePlatform("finalized", knowsNetworks: true, plansKnown: false);
        var (result, _) = await RunDemoAsync(fake, ["--sessions", "20", "--leases", "1", "--network-events", "5"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no invoice for tenant-scraper (bandwidth): Unknown price plan 'bandwidth-standard-v1'", result.Error, StringComparison.Ordinal);
        Assert.False(fake.Paid);
    }

    [Fact]
    public async Task Demo_NetworkNone_SendsNoNetworkEvent()
    {
        var (result, requests) = await RunDemoAsync(new FakePlatform("finalized", knowsNetworks: true), ["--sessions", "20", "--leases", "1", "--network", "none"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("4b.", result.Out, StringComparison.Ordinal);
        Assert.All(SampleNetwork.All, n => Assert.Empty(PostedWith(requests, n)));
    }

    [Fact]
    public async Task Demo_BurnFails_Exits1()
    {
        var fake = new FakePlatform("failed");
        await using var server = await StubServer.StartAsync((r, _) => fake.Handle(r));

        var result = await CliHarness.RunAsync("demo", "--url", server.Url, "--sessions", "20", "--leases", "1");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("failed", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("ledger verify", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_NoPlatform_Exits3()
    {
        // Nothing listens: health never answers. Keep the wait short through the retry policy (1 attempt per poll).
        var result = await CliHarness.RunAsync(["demo", "--url", $"http://127.0.0.1:{Billing.Tests.Shared.FreePort.Find()}", "--startup-timeout", "1"], null, maxAttempts: 1);

        Assert.Equal(3, result.ExitCode);
    }

    [Fact]
    public async Task Demo_RemoteUrlWithoutKeys_ExitsWithUsageError()
    {
        var result = await CliHarness.RunAsync("demo", "--url", "https://billing.example.invalid");
        Assert.Equal(2, result.ExitCode);
    }
}

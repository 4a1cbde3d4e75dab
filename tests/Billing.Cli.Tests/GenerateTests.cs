namespace Billing.Cli.Tests;

public sealed class GenerateTests
{
    private const string Now = "2026-11-23T19:00:00Z";

    private static async Task<string[]> GenerateAsync(params string[] extra)
    {
        var result = await CliHarness.RunAsync(["generate", "--now", Now, "--sessions", "300", "--hotspots", "10", "--leases", "2", .. extra]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task Generate_SameSeedAndNow_ByteIdenticalOutput()
    {
        var a = await CliHarness.RunAsync("generate", "--seed", "1", "--now", Now);
        var b = await CliHarness.RunAsync("generate", "--seed", "1", "--now", Now);
        Assert.Equal(0, a.ExitCode);
        Assert.Equal(a.Out, b.Out);
        Assert.True(a.Out.Length > 100_000);
    }

    [Fact]
    public async Task Generate_DifferentSeed_DifferentOutput()
    {
        var a = await CliHarness.RunAsync("generate", "--seed", "1", "--now", Now);
        var b = await CliHarness.RunAsync("generate", "--seed", "2", "--now", Now);
        Assert.NotEqual(a.Out, b.Out);
    }

    [Fact]
    public async Task Generate_OutFile_SameBytesAsStdout()
    {
        string path = Path.Combine(Path.GetTempPath(), $"billing-gen-{Guid.NewGuid():N}.ndjson");
        try
        {
            var toFile = await CliHarness.RunAsync("generate", "--now", Now, "--out", path);
            var toStdout = await CliHarness.RunAsync("generate", "--now", Now);
            Assert.Equal(0, toFile.ExitCode);
            Assert.Equal(toStdout.Out, await File.ReadAllTextAsync(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Generate_Defaults_EventsFollowContractAndStayInWindow()
    {
        var lines = await GenerateAsync();
        var now = DateTimeOffset.Parse(Now, CultureInfo.InvariantCulture);
        var windowStart = now.AddDays(-34) > new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero) ? now.AddDays(-34) : new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
        var windowEnd = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        int carrier = 0, compute = 0;
        var rats = new Dictionary<string, int>();
        foreach (string line in lines)
        {
            var e = JsonNode.Parse(line)!.AsObject();
            Assert.Equal("1.0", (string?)e["specversion"]);
            string time = (string)e["time"]!;
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", time);
            var t = DateTimeOffset.Parse(time, CultureInfo.InvariantCulture);
            Assert.InRange(t, windowStart, windowEnd.AddTicks(-1));
            var d = e["data"]!.AsObject();
            if ((string?)e["type"] == SampleDataGenerator.CarrierType)
            {
                carrier++;
                Assert.Equal("carrier-tmo", (string?)e["source"]);
                Assert.Equal("application/json", (string?)e["datacontenttype"]);
                Assert.Equal((string?)e["id"], (string?)d["sessionId"]);
                Assert.Equal(32, SimpleBase.Base58.Bitcoin.Decode((string)d["hotspotId"]!).Length);
                Assert.Equal("hotspot/" + (string)d["hotspotId"]!, (string?)e["subject"]);
                Assert.Matches("^[0-9a-f]{64}$", (string)d["subscriberHash"]!);
                Assert.Equal(time, (string?)d["endTime"]);
                Assert.True(string.CompareOrdinal((string)d["startTime"]!, time) <= 0);
                long up = (long)d["uploadBytes"]!, down = (long)d["downloadBytes"]!, rewardable = (long)d["rewardableBytes"]!;
                Assert.InRange(rewardable, 0, up + down);
                Assert.InRange(up + down, 0, 10_000_000_000_000);
                string rat = (string)d["radioAccessTechnology"]!;
                rats[rat] = rats.GetValueOrDefault(rat) + 1;
            }
            else
            {
                compute++;
                Assert.Equal(SampleDataGenerator.ComputeType, (string?)e["type"]);
                Assert.Equal("provider-nodeops", (string?)e["source"]);
                Assert.Equal("tenant-lab", (string?)d["tenantId"]);
                Assert.Contains((string)d["gpuModel"]!, new[] { "H100", "A100", "L40S", "RTX4090" });
                Assert.InRange((int)d["gpuCount"]!, 1, 8);
                Assert.Equal(time, (string?)d["intervalEnd"]);
                var start = DateTimeOffset.Parse((string)d["intervalStart"]!, CultureInfo.InvariantCulture);
                Assert.Equal(TimeSpan.FromHours(1), t - start);
                Assert.Equal($"{(string)d["leaseId"]!}:{start.UtcDateTime:yyyy-MM-ddTHH}", (string?)e["id"]);
            }
        }

        Assert.Equal(300, carrier);
        Assert.True(compute > 24, $"{compute} compute events");
        Assert.True(rats["wlan"] > rats["cbrs"] && rats["cbrs"] > rats["nr"], string.Join(", ", rats));
    }

    [Fact]
    public async Task Generate_Duplicates_AreExactCopiesOfOriginals()
    {
        var plain = await GenerateAsync("--seed", "5");
        var withDuplicates = await GenerateAsync("--seed", "5", "--duplicates", "0.05");
        Assert.Equal(plain.Length + (plain.Length * 5 / 100), withDuplicates.Length);
        Assert.Equal(plain.ToHashSet(), withDuplicates.ToHashSet());
        Assert.Equal(plain.Length, withDuplicates.Distinct().Count());
    }

    [Fact]
    public async Task Generate_Late_AppendsEventsWithEarlierTimestamps()
    {
        var lines = await GenerateAsync("--late", "7");
        var times = lines.Select(l => (string)JsonNode.Parse(l)!["time"]!).ToList();
        var tail = times.TakeLast(7).ToList();
        string latestBefore = times.Take(times.Count - 7).Max(StringComparer.Ordinal)!;
        Assert.All(tail, t => Assert.True(string.CompareOrdinal(t, latestBefore) < 0));
        Assert.All(lines.TakeLast(7), l => Assert.Contains("-late-", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Generate_MonthOutsideAcceptedWindow_ExitsWithUsageError()
    {
        var result = await CliHarness.RunAsync("generate", "--now", Now, "--month", "2026-01");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("35 days", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_BadMonthFormat_ExitsWithUsageError()
    {
        var result = await CliHarness.RunAsync("generate", "--month", "October");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("yyyy-MM", result.Error, StringComparison.Ordinal);
    }
}

namespace Billing.Cli.Tests.Generation;

public sealed class NetworkSamplesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 19, 0, 0, TimeSpan.Zero);

    private static GeneratedData Generate(int seed = 1, int events = 300, IReadOnlyList<SampleNetwork>? networks = null, int sessions = 0, int leases = 0) =>
        SampleDataGenerator.Generate(new GeneratorOptions
        {
            Seed = seed,
            Now = Now,
            Sessions = sessions,
            Hotspots = 10,
            Leases = leases,
            Networks = networks ?? SampleNetwork.All,
            NetworkEvents = events,
        });

    private static List<JsonObject> Events(GeneratedData data, SampleNetwork network) =>
        data.Lines.Select(l => JsonNode.Parse(l)!.AsObject()).Where(e => (string?)e["type"] == network.Type).ToList();

    public static TheoryData<string> Networks() => [.. SampleNetwork.All.Select(n => n.Name)];

    [Theory]
    [MemberData(nameof(Networks))]
    public void Generate_Network_EveryEventSatisfiesItsDefinition(string name)
    {
        var network = SampleNetwork.Parse([name])[0];
        var data = Generate();
        var events = Events(data, network);

        Assert.Equal(300, events.Count);
        Assert.Contains((network, 300), data.NetworkEvents);
        foreach (var e in events)
        {
            Assert.Empty(DefinitionChecker.Check(e));
            Assert.Equal(network.Provider, (string?)e["source"]);
            Assert.Equal(network.Tenant, (string?)e["data"]!["customerId"]);
            var t = DateTimeOffset.Parse((string)e["time"]!, CultureInfo.InvariantCulture);
            Assert.InRange(t, data.WindowStart, data.WindowEnd.AddTicks(-1));
        }

        Assert.Equal(300, events.Select(e => (string)e["id"]!).Distinct().Count());
    }

    [Fact]
    public void Generate_Mapping_CellsAreResolution9AndMostCapturesRevisitACell()
    {
        var cells = Events(Generate(events: 600), SampleNetwork.Mapping).Select(e => (string)e["data"]!["h3Cell"]!).ToList();

        Assert.All(cells, c => Assert.Null(DefinitionChecker.H3Problem(c, 9)));
        int unique = cells.Distinct().Count();
        Assert.InRange(unique, 20, cells.Count / 2); // UNIQUE_COUNT differs from COUNT by a lot, as real routes do
    }

    [Fact]
    public void Generate_RenderAndInference_UseOnlyWhatTheirDefaultPlansPrice()
    {
        var data = Generate();
        var renderRates = DefinitionChecker.Plan(SampleNetwork.Render.Plan)["meters"]![0]!["rates"]!.AsObject();
        var inferenceRates = DefinitionChecker.Plan(SampleNetwork.Inference.Plan)["meters"]!.AsArray().Select(m => m!["rates"]!.AsObject()).ToList();

        var tiers = Events(data, SampleNetwork.Render).Select(e => (string)e["data"]!["tier"]!).ToHashSet();
        var models = Events(data, SampleNetwork.Inference).Select(e => (string)e["data"]!["model"]!).ToHashSet();

        Assert.Equal(renderRates.Select(r => r.Key).Order(), tiers.Order()); // every priced tier occurs, nothing else
        Assert.All(inferenceRates, rates => Assert.Equal(rates.Select(r => r.Key).Order(), models.Order()));
    }

    [Fact]
    public void Generate_Bandwidth_CountriesAreIsoAlpha2AndNodesRepeat()
    {
        var data = Events(Generate(), SampleNetwork.Bandwidth).Select(e => e["data"]!).ToList();
        // ISO 3166-1 alpha-2 codes of large residential-proxy markets (InvariantGlobalization: no RegionInfo here); "UK" is not one.
        string[] iso = ["US", "CA", "MX", "BR", "AR", "GB", "DE", "FR", "ES", "IT", "NL", "PL", "TR", "RU", "UA", "IN", "PK", "BD", "ID", "PH", "VN", "TH", "MY", "JP", "KR", "CN", "AU", "NG", "EG", "ZA", "KE"];

        Assert.All(data, d => Assert.Contains((string)d["country"]!, iso));
        Assert.True(data.Select(d => (string)d["country"]!).Distinct().Count() >= 5);
        Assert.True(data.Select(d => (string)d["nodeId"]!).Distinct().Count() < data.Count / 3);
    }

    [Fact]
    public void Generate_SameSeed_IdenticalLinesAndOtherSeed_Different()
    {
        Assert.Equal(Generate(seed: 4).Lines, Generate(seed: 4).Lines);
        Assert.NotEqual(Generate(seed: 4).Lines, Generate(seed: 5).Lines);
    }

    [Fact]
    public void Generate_WithNetworks_CarrierAndComputeLinesUnchanged()
    {
        var plain = Generate(networks: [], sessions: 200, leases: 2);
        var withNetworks = Generate(networks: SampleNetwork.All, sessions: 200, leases: 2);

        Assert.Empty(plain.NetworkEvents);
        Assert.Equal(plain.Lines, withNetworks.Lines.Where(l => !SampleNetwork.All.Any(n => l.Contains(n.Type, StringComparison.Ordinal))));
        Assert.Equal(plain.DistinctEvents + (4 * 300), withNetworks.DistinctEvents);
    }

    [Fact]
    public void Check_BrokenEvents_AreReportedByField()
    {
        // The checker the tests above rely on must see each kind of fault.
        var good = Events(Generate(events: 5), SampleNetwork.Render)[0];
        (string Field, JsonNode Value)[] faults =
        [
            ("nodeId", "3yZe7d"), // base58 of too few bytes
            ("tier", "tier9"),
            ("frames", 0),
            ("startTime", (string)good["data"]!["endTime"]!), // startTime < endTime does not hold
            ("octaneBench", 1.5),
        ];
        foreach (var (field, value) in faults)
        {
            var bad = good.DeepClone().AsObject();
            bad["data"]![field] = value.DeepClone();
            Assert.NotEmpty(DefinitionChecker.Check(bad));
        }

        var map = Events(Generate(events: 5), SampleNetwork.Mapping)[0];
        map["data"]!["capturedAt"] = "2099-01-01T00:00:00Z";
        Assert.Contains("data: capturedAt must not be after the event time", DefinitionChecker.Check(map));
    }

    [Theory]
    [InlineData("8928308280fffff", null)] // resolution 9, base cell 20
    [InlineData("8928308280ffff", "must be 15 lowercase hex digits")]
    [InlineData("8528308280fffff", "has resolution 5, not 9")]
    [InlineData("8928308287fffff", "has a digit 7 within its resolution")]
    [InlineData("892830828ffffff", "has a digit 7 within its resolution")]
    [InlineData("8928308280ffffe", "has a digit other than 7 beyond its resolution")]
    [InlineData("89f4308280fffff", "has base cell 122 (0-121)")]
    [InlineData("8908400000fffff", "is a deleted pentagon subsequence (first non-zero digit 1)")] // base cell 4, digits 0,0,1,...
    public void H3Problem_KnownIndexes_AreJudgedLikeH3(string cell, string? problem) =>
        Assert.Equal(problem, DefinitionChecker.H3Problem(cell, 9));

    [Fact]
    public void Format_DigitsOfAKnownCell_GivesThatCellAndRefusesPentagons()
    {
        Assert.Equal("8928308280fffff", H3Cells.Format(20, [0, 6, 0, 4, 0, 5, 0, 0, 3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => H3Cells.Format(4, [1, 0, 0, 0, 0, 0, 0, 0, 0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => H3Cells.Format(20, [7]));
    }
}

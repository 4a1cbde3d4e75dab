namespace Billing.Domain.Tests.Definitions;

public sealed class DefinitionLoaderTests
{
    private const string Render = "depin.render.job.v1";

    [Fact]
    public void Load_ShippedDefinitions_LoadAllFourWithTheirMeters()
    {
        var all = ShippedDefinitions.All;

        Assert.Equal(["depin.bandwidth.usage.v1", "depin.inference.usage.v1", "depin.mapping.coverage.v1", "depin.render.job.v1"], all.All.Select(d => d.Type));
        Assert.Equal(Aggregation.UniqueCount, all.Meters.Find("mapping.unique_cells")!.Aggregation);
        Assert.Equal(["tier", "job"], all.Meters.Find("render.ob_seconds")!.Dimensions);
        Assert.NotNull(all.Meters.Find(Meters.OffloadBytes)); // built-in meters stay known
    }

    [Fact]
    public void Load_ShippedPlans_KnowTheDeclaredMeters()
    {
        var plan = Pricing.TestPlans.Catalog.Get("render-standard-v1");

        Assert.Equal("tier", plan.FindMeter("render.ob_seconds")!.Dimension);
        Assert.True(Pricing.TestPlans.Catalog.IsPriced("inference-standard-v1", "inference.input_tokens", "deepseek-r1"));
    }

    public static TheoryData<string, string, string> BadDefinitions() => new()
    {
        { "meters[1].value", "unknown field 'octanebench'", """{"op":"set","path":"meters.1.value","value":"seconds(endTime - startTime) * octanebench"}""" },
        { "colour", "unknown field", """{"op":"set","path":"colour","value":"red"}""" },
        { "fields.frames.maximum", "unknown field", """{"op":"set","path":"fields.frames.maximum","value":3}""" },
        { "fields.frames.max", "within ±10^15", """{"op":"set","path":"fields.frames.max","value":10000000000000000}""" },
        { "fields.frames.max", "must not be less than min", """{"op":"set","path":"fields.frames.max","value":0}""" },
        { "fields.tier.values[1]", "listed twice", """{"op":"set","path":"fields.tier.values","value":["a","a"]}""" },
        { "fields.nodeId.bytes", "between 1 and 64", """{"op":"set","path":"fields.nodeId.bytes","value":65}""" },
        { "fields.jobId.pattern", "anchored", """{"op":"set","path":"fields.jobId.pattern","value":"[a-z]+"}""" },
        { "fields.jobId.type", "unknown field type 'uuid'", """{"op":"set","path":"fields.jobId.type","value":"uuid"}""" },
        { "meters[1].value", "overflow", """{"op":"set","path":"fields.octaneBench.max","value":1000000000000000}""" },
        { "meters[0].value", "needs integers", """{"op":"set","path":"meters.0.value","value":"frames + startTime"}""" },
        { "meters[0].value", "not a time", """{"op":"set","path":"meters.0.value","value":"startTime"}""" },
        { "meters[0].value", "optional without a default", """{"op":"set","path":"fields.frames.optional","value":true}""" },
        { "checks[0].rule", "compares a time with a integer", """{"op":"set","path":"checks.0.rule","value":"startTime < frames"}""" },
        { "checks[0].rule", "seconds(t2 - t1)", """{"op":"set","path":"checks.0.rule","value":"endTime - startTime > 0"}""" },
        { "meters[0].aggregation", "unknown aggregation 'AVG'", """{"op":"set","path":"meters.0.aggregation","value":"AVG"}""" },
        { "meters[0].value", "COUNT counts events", """{"op":"set","path":"meters.0.aggregation","value":"COUNT"}""" },
        { "meters[0].dimensions.tier", "must name a declared field", """{"op":"set","path":"meters.0.dimensions.tier","value":"grade"}""" },
        { "meters[0].name", "must look like", """{"op":"set","path":"meters.0.name","value":"Frames"}""" },
        { "meters[1].name", "defined twice", """{"op":"set","path":"meters.1.name","value":"render.frames"}""" },
        { "payer.field", "unknown field 'buyer'", """{"op":"set","path":"payer.field","value":"buyer"}""" },
        { "postedBy", "unknown role 'finance'", """{"op":"set","path":"postedBy","value":"finance"}""" },
        { "postedBy", "a tenant may not post usage", """{"op":"set","path":"postedBy","value":"tenant"}""" }, // ingestion refuses tenants (403)
        { "type", "does not match the file name", """{"op":"set","path":"type","value":"depin.render.job.v2"}""" },
    };

    [Theory]
    [MemberData(nameof(BadDefinitions))]
    public void Load_InvalidDefinition_NamesFileAndField(string field, string reason, string mutation)
    {
        var root = JsonNode.Parse(ShippedDefinitions.Text(Render))!;
        Apply(root, JsonNode.Parse(mutation)!);

        var e = Assert.Throws<DefinitionValidationException>(() => EventDefinitions.Load([KeyValuePair.Create(Render + ".json", root.ToJsonString())]));

        Assert.Equal(Render + ".json", e.File);
        Assert.Equal(field, e.Field);
        Assert.Contains(reason, e.Reason, StringComparison.Ordinal);
        Assert.StartsWith($"Invalid event type definition {Render}.json: {field}: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DuplicateProperty_IsRefused()
    {
        string json = ShippedDefinitions.Text(Render).Replace("\"postedBy\": \"provider\",", "\"postedBy\": \"provider\", \"postedBy\": \"tenant\",", StringComparison.Ordinal);

        var e = Assert.Throws<DefinitionValidationException>(() => EventDefinitions.Load([KeyValuePair.Create(Render + ".json", json)]));

        Assert.Equal("postedBy", e.Field);
        Assert.Contains("duplicate", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BuiltInTypeRedefined_IsRefused()
    {
        string json = ShippedDefinitions.Text(Render).Replace(Render, "depin.compute.usage.v1", StringComparison.Ordinal);

        var e = Assert.Throws<DefinitionValidationException>(() => EventDefinitions.Load([KeyValuePair.Create("depin.compute.usage.v1.json", json)]));

        Assert.Equal("type", e.Field);
        Assert.Contains("built in", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MeterNameOfAnotherFile_IsRefused()
    {
        string other = ShippedDefinitions.Text(Render).Replace(Render, "depin.render.job.v2", StringComparison.Ordinal);

        var e = Assert.Throws<DefinitionValidationException>(() => EventDefinitions.Load(
            [KeyValuePair.Create(Render + ".json", ShippedDefinitions.Text(Render)), KeyValuePair.Create("depin.render.job.v2.json", other)]));

        Assert.Equal("depin.render.job.v2.json", e.File);
        Assert.Equal("meters[0].name", e.Field);
        Assert.Contains("already defined (depin.render.job.v1.json)", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BuiltInMeterName_IsRefused()
    {
        string json = ShippedDefinitions.Text(Render).Replace("\"render.frames\"", "\"offload.bytes\"", StringComparison.Ordinal);

        var e = Assert.Throws<DefinitionValidationException>(() => EventDefinitions.Load([KeyValuePair.Create(Render + ".json", json)]));

        Assert.Equal("meters[0].name", e.Field);
    }

    [Fact]
    public void Load_ReadingsThatCouldOutgrowAStoredFact_IsRefusedNamingMeters()
    {
        // 25 dimensions of 256 characters: up to 38,400 characters of readings escaped, over the 32K a property holds.
        string json = WideDefinition.Json(dimensions: 25);

        var e = Assert.Throws<DefinitionValidationException>(() => EventDefinitions.Load([KeyValuePair.Create(WideDefinition.Type + ".json", json)]));

        Assert.Equal("meters", e.Field);
        Assert.Contains("more than the 30000 a stored fact holds", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ReadingsWithinAStoredFact_Loads()
    {
        var definition = Assert.Single(EventDefinitions.Load([KeyValuePair.Create(WideDefinition.Type + ".json", WideDefinition.Json(dimensions: 19))]).All);

        Assert.Equal(19, definition.Meters[0].Dimensions.Count);
    }

    [Fact]
    public void Load_NotJson_NamesTheFile()
    {
        var e = Assert.Throws<DefinitionValidationException>(() => EventDefinitions.Load([KeyValuePair.Create("x.json", "{")]));

        Assert.Equal(("x.json", "$"), (e.File, e.Field));
    }

    /// <summary>Sets <c>value</c> at a dotted path (array indexes as numbers).</summary>
    private static void Apply(JsonNode root, JsonNode mutation)
    {
        string[] path = mutation["path"]!.GetValue<string>().Split('.');
        JsonNode node = root;
        foreach (string step in path[..^1])
        {
            node = int.TryParse(step, out int i) ? node[i]! : node[step]!;
        }

        var value = mutation["value"]!.DeepClone();
        if (int.TryParse(path[^1], out int last))
        {
            node[last] = value;
        }
        else
        {
            node[path[^1]] = value;
        }
    }
}

namespace Billing.Domain.Tests.Events;

/// <summary>
/// Which facts storage claims by (source, id) before writing them: every fact a partner posts whose role may post a
/// type that names its payer in data, so one id cannot reach two payers' partitions through two types of that role.
/// </summary>
public sealed class ClaimRuleTests
{
    private static EventDefinitions Declared(string postedBy, string payer) => EventDefinitions.Load([KeyValuePair.Create("test.units.v1.json", $$$"""
        {"type":"test.units.v1","description":"Units","postedBy":"{{{postedBy}}}","payer":{{{payer}}},
         "fields":{"customerId":{"type":"string","maxLength":64},"units":{"type":"integer","min":0,"max":1000}},
         "meters":[{"name":"test.units","description":"Units","aggregation":"SUM","value":"units","unit":"unit","dimensions":{}}]}
        """)]);

    private static UsageFact Fact(EventDefinitions definitions, JsonObject evt)
    {
        var validator = new UsageEventValidator(new Partners(), new TestEvents.Prices(), definitions);
        string source = evt["source"]!.GetValue<string>();
        var result = validator.Validate(System.Text.Encoding.UTF8.GetBytes(evt.ToJsonString()), new ValidationContext(TestEvents.Now, source));
        return result.Fact ?? throw new InvalidOperationException(string.Join("; ", result.Errors));
    }

    /// <summary>The test registry, with a provider that has a plan (a source-paid type bills its poster).</summary>
    private sealed class Partners : IPartnerDirectory
    {
        private readonly TestEvents.Directory others = new();

        public Partner? Find(string partnerId) =>
            partnerId == "provider-paying" ? new Partner(partnerId, PartnerRole.Provider, "provider-v1") : others.Find(partnerId);
    }

    private static JsonObject Units(string source, string customer)
    {
        var evt = TestEvents.Carrier();
        evt["type"] = "test.units.v1";
        evt["source"] = source;
        evt["data"] = new JsonObject { ["customerId"] = customer, ["units"] = 3 };
        return evt;
    }

    [Fact]
    public void Validate_CarrierOffload_ClaimsOnlyWhenCarriersMayPostAPayerNamingType()
    {
        Assert.False(Fact(EventDefinitions.None, TestEvents.Carrier()).ClaimsId);
        Assert.False(Fact(Declared("carrier", "\"source\""), TestEvents.Carrier()).ClaimsId);
        Assert.False(Fact(Declared("provider", """{"field":"customerId","role":"tenant"}"""), TestEvents.Carrier()).ClaimsId);
        Assert.True(Fact(Declared("carrier", """{"field":"customerId","role":"carrier"}"""), TestEvents.Carrier()).ClaimsId); // before: false
    }

    [Fact]
    public void Validate_SourcePaidDeclaredType_ClaimsWhenItsRoleMayPostAPayerNamingType()
    {
        Assert.False(Fact(Declared("carrier", "\"source\""), Units("carrier-tmo", "tenant-lab")).ClaimsId);
        Assert.True(Fact(Declared("provider", "\"source\""), Units("provider-paying", "tenant-lab")).ClaimsId); // compute usage names its payer; before: false
        Assert.True(Fact(Declared("carrier", """{"field":"customerId","role":"carrier"}"""), Units("carrier-tmo", "carrier-other")).ClaimsId);
        Assert.True(Fact(EventDefinitions.None, TestEvents.Compute()).ClaimsId);
    }
}

using Billing.Domain.Tests.Definitions;

namespace Billing.Domain.Tests.Events;

/// <summary>
/// A provider naming another partner's account as the payer (compute usage's tenant, a declared type's payer field) is
/// told nothing about that account it could not know: a disabled tenant reads as an unknown one, and the tenant's plan
/// is never named. A partner posting its own usage is still told its plan.
/// </summary>
public sealed class PayerAnswersTests
{
    private static readonly Dictionary<string, Partner> Extra = new()
    {
        ["tenant-off"] = new("tenant-off", PartnerRole.Tenant, "compute-acme-custom") { Status = PartnerStatus.Disabled, Providers = ["provider-nodeops"] },
        ["tenant-acme"] = new("tenant-acme", PartnerRole.Tenant, "compute-standard-v1") { Providers = ["provider-nodeops"] },
        ["tenant-fleet"] = new("tenant-fleet", PartnerRole.Tenant, "mapping-standard-v1") { Providers = ["provider-mapper", "provider-render"] },
        ["tenant-stranger"] = new("tenant-stranger", PartnerRole.Tenant, "compute-standard-v1") { Providers = ["provider-other"] },
        ["tenant-studio-off"] = new("tenant-studio-off", PartnerRole.Tenant, "render-standard-v1") { Status = PartnerStatus.Disabled, Providers = ["provider-render"] },
    };

    /// <summary>Every reason of a rejected event, with the payer id it names written as <c>{payer}</c>.</summary>
    private static List<string> Reasons(EventValidationResult result, string field, string payer)
    {
        Assert.Null(result.Fact);
        return result.Errors.Where(e => e.Field == field).Select(e => e.Reason.Replace(payer, "{payer}", StringComparison.Ordinal)).ToList();
    }

    [Fact]
    public void Validate_ProviderNamingADisabledTenant_AnswersAsForAnUnknownOne()
    {
        string Answer(string tenant) =>
            Assert.Single(Reasons(ValidateCompute(Mutate(TestEvents.Compute(), "data.tenantId", tenant)), "data.tenantId", tenant));

        string unknown = Answer("tenant-nobody");

        // Before: "'tenant-off' is disabled", where an unknown id was "not a registered tenant": the provider learnt
        // which ids are tenants of the platform, and which of them were disabled.
        Assert.Equal(unknown, Answer("tenant-off"));
        Assert.Equal(unknown, Answer("carrier-tmo")); // another role
        Assert.Equal(unknown, Answer("tenant-unreadable")); // a row that cannot be read: it exists
        Assert.DoesNotContain("disabled", unknown, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ProviderNamingATenantThatDidNotGrantIt_AnswersAsForAnUnknownOne()
    {
        var result = ValidateCompute(Mutate(TestEvents.Compute(), "data.tenantId", "tenant-stranger"));

        // Before: accepted, and the tenant invoiced for usage it never agreed to.
        Assert.Equal(["'{payer}' is not an active registered tenant"], Reasons(result, "data.tenantId", "tenant-stranger"));
        // The registry is read again first (a grant made on another instance counts), at most once a second: a sender names such payers at will.
        Assert.Equal((false, true), (result.NamesUnknownPartner, result.NamesUngrantedPayer));
    }

    [Fact]
    public void Validate_MeteringAnEventOfAProviderTheTenantDidNotGrant_RefusesItAsAtIngestion()
    {
        var evt = Mutate(TestEvents.Compute(), "data.tenantId", "tenant-stranger");

        // Sent straight to the hub (no ingestion, no poster): the source is held to the grant.
        var result = new UsageEventValidator(new Partners(), new TestEvents.Prices()).Validate(Encoding.UTF8.GetBytes(evt.ToJsonString()), new ValidationContext(TestEvents.Now, null));

        Assert.Equal(["'{payer}' is not an active registered tenant"], Reasons(result, "data.tenantId", "tenant-stranger"));
    }

    [Fact]
    public void Validate_ProviderNamingATenantThatGrantedIt_IsAccepted()
    {
        var result = ValidateCompute(Mutate(TestEvents.Compute(), "data.tenantId", "tenant-acme"));

        Assert.NotNull(result.Fact);
    }

    [Fact]
    public void Validate_ProviderNamingAPayerOfADeclaredTypeThatDidNotGrantIt_AnswersAsForAnUnknownOne()
    {
        var evt = Mutate(ShippedDefinitions.Render(), "data.customerId", "tenant-scraper"); // tenant-scraper grants provider-grass only

        Assert.Equal(["'{payer}' is not an active registered tenant"], Reasons(ValidateDeclared(evt), "data.customerId", "tenant-scraper"));
    }

    [Fact]
    public void Validate_ProviderNamingAModelTheTenantsPlanDoesNotPrice_DoesNotNameThePlan()
    {
        var result = ValidateCompute(Mutate(TestEvents.Compute(), "data.tenantId", "tenant-acme", "data.gpuModel", "TPUv5"));

        // Before: "'TPUv5' is not priced in plan 'compute-standard-v1'": the tenant's plan, told to whoever posts for it.
        Assert.Equal(["'TPUv5' is not priced in the plan of '{payer}'"], Reasons(result, "data.gpuModel", "tenant-acme"));
    }

    [Fact]
    public void Validate_ProviderClaimingTheTenantsIdAsItsSource_IsToldNoMoreThanAnyPoster()
    {
        var evt = Mutate(TestEvents.Compute(), "data.tenantId", "tenant-off", "data.providerId", "tenant-off");
        evt["source"] = "tenant-off";

        var result = ValidateCompute(evt); // posted with provider-nodeops's key

        Assert.Contains(result.Errors, e => e.Field == "source");
        Assert.Equal(["'{payer}' is not an active registered tenant"], Reasons(result, "data.tenantId", "tenant-off"));
    }

    [Fact]
    public void Validate_ProviderNamingADisabledPayerOfADeclaredType_AnswersAsForAnUnknownOne()
    {
        string Answer(string tenant) =>
            Assert.Single(Reasons(ValidateDeclared(Mutate(ShippedDefinitions.Render(), "data.customerId", tenant)), "data.customerId", tenant));

        Assert.Equal(Answer("tenant-nobody"), Answer("tenant-studio-off"));
    }

    [Theory]
    [InlineData("render", "tenant-fleet", "data.customerId", "mapping-standard-v1")] // a plan that prices none of the type's meters
    [InlineData("inference", "tenant-ai", "data.model", "inference-standard-v1")] // a dimension value the plan does not price
    public void Validate_ProviderNamingAPayerWhosePlanCannotBillIt_DoesNotNameThePlan(string kind, string tenant, string field, string plan)
    {
        var evt = kind == "render" ? ShippedDefinitions.Render() : Mutate(ShippedDefinitions.Inference(), "data.model", "gpt-9");

        var reasons = Reasons(ValidateDeclared(Mutate(evt, "data.customerId", tenant)), field, tenant);

        // Before: "'{payer}' is billed on plan 'mapping-standard-v1', which prices none of the meters of …", and
        // "'gpt-9' is not priced in plan 'inference-standard-v1'".
        Assert.NotEmpty(reasons);
        Assert.All(reasons, r => Assert.DoesNotContain(plan, r, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ProviderSendingAValueTooLargeForThePayersPlan_DoesNotNameThePlanNorItsLimit()
    {
        var definitions = EventDefinitions.Load([KeyValuePair.Create("test.peak.v1.json", """
            {"type":"test.peak.v1","description":"Peak","postedBy":"provider","payer":{"field":"customerId","role":"tenant"},
             "fields":{"customerId":{"type":"string","maxLength":64},"level":{"type":"integer","min":0,"max":1000000000000000}},
             "meters":[{"name":"test.peak","description":"Peak","aggregation":"MAX","value":"level * 1000","unit":"u","dimensions":{}}]}
            """)]);
        var plans = new PlanCatalog([PlanLoader.Parse("""
            {"id":"render-standard-v1","currency":"USD","meters":[{"meter":"test.peak","description":"Peak","unit":"u","price":{"model":"perUnit","unitPrice":"1.00"}}]}
            """, "render-standard-v1.json", definitions.Meters.Dimensions)]);
        var evt = ShippedDefinitions.Envelope("test.peak.v1", "provider-render", "peak-1", new JsonObject { ["customerId"] = "tenant-studio", ["level"] = 1_000_000_000_000_000 });

        var result = new UsageEventValidator(new Partners(), plans, definitions)
            .Validate(Encoding.UTF8.GetBytes(evt.ToJsonString()), new ValidationContext(ShippedDefinitions.Now, "provider-render"));

        // Before: "… under plan 'render-standard-v1' (at most 90071992547408)": the plan, and a limit its prices give away.
        Assert.Equal(["1000000000000000000 is more than one month can bill under the plan of '{payer}'"], Reasons(result, "test.peak", "tenant-studio"));
    }

    private static EventValidationResult ValidateCompute(JsonObject evt) =>
        new UsageEventValidator(new Partners(), new TestEvents.Prices())
            .Validate(Encoding.UTF8.GetBytes(evt.ToJsonString()), new ValidationContext(TestEvents.Now, "provider-nodeops"));

    private static EventValidationResult ValidateDeclared(JsonObject evt) =>
        new UsageEventValidator(new Partners(), Pricing.TestPlans.Catalog, ShippedDefinitions.All)
            .Validate(Encoding.UTF8.GetBytes(evt.ToJsonString()), new ValidationContext(ShippedDefinitions.Now, evt["source"]!.GetValue<string>()));

    private static JsonObject Mutate(JsonObject evt, params string[] pathsAndValues)
    {
        for (int i = 0; i < pathsAndValues.Length; i += 2)
        {
            evt["data"]![pathsAndValues[i]["data.".Length..]] = pathsAndValues[i + 1];
        }

        return evt;
    }

    /// <summary>The test registries' partners, disabled tenants and tenants of other plans, and unreadable rows (<c>…-unreadable</c>).</summary>
    private sealed class Partners : IPartnerDirectory
    {
        public Partner? Find(string partnerId) =>
            Extra.GetValueOrDefault(partnerId) ?? new TestEvents.Directory().Find(partnerId) ?? new ShippedDefinitions.Partners().Find(partnerId);

        public bool IsUnreadable(string partnerId) => new TestEvents.Directory().IsUnreadable(partnerId);
    }
}

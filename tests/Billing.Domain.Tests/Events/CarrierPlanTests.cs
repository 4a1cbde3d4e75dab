using static Billing.Domain.Tests.Events.TestEvents;

namespace Billing.Domain.Tests.Events;

/// <summary>
/// A carrier's offload is billed by its plan's offload meters: a carrier on a plan that prices none of them (a plan of
/// declared meters, say) would have its sessions metered and never invoiced, so they are refused when posted.
/// </summary>
public class CarrierPlanTests
{
    private static readonly BillingPeriod November = new(2026, 11);

    [Fact]
    public void Validate_CarrierOnPlanPricingNoOffloadMeter_RejectedOnSource()
    {
        var result = Validate(Carrier(), new Partner("carrier-tmo", PartnerRole.Carrier, "bandwidth-standard-v1"));

        Assert.Null(result.Fact);
        var error = Assert.Single(result.Errors);
        Assert.Equal("source", error.Field);
        Assert.Equal("'carrier-tmo' is billed on plan 'bandwidth-standard-v1', which prices none of the meters of 'depin.carrier.offload.v1'", error.Reason);
    }

    [Fact]
    public void Validate_CarrierOnOffloadPlan_Accepted()
    {
        var result = Validate(Carrier(), new Partner("carrier-tmo", PartnerRole.Carrier, "carrier-standard-v1"));

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    [Fact]
    public void Validate_PlanChangesToOneWithoutOffloadNextMonth_ThisMonthsSessionAccepted()
    {
        var carrier = new Partner("carrier-tmo", PartnerRole.Carrier, "carrier-standard-v1") { PlanChanges = [new(November, "bandwidth-standard-v1")] };

        var result = Validate(Carrier(), carrier);

        Assert.True(result.IsValid, string.Join("; ", result.Errors)); // October's session is billed on October's plan
    }

    [Fact]
    public void Validate_PlanChangedToOneWithoutOffloadThisMonth_Rejected()
    {
        var carrier = new Partner("carrier-tmo", PartnerRole.Carrier, "bandwidth-standard-v1") { PlanChanges = [new(November, "carrier-standard-v1")] };

        var result = Validate(Carrier(), carrier);

        Assert.Contains(result.Errors, e => e.Field == "source" && e.Reason.Contains("'bandwidth-standard-v1'", StringComparison.Ordinal));
    }

    private static EventValidationResult Validate(JsonObject evt, Partner carrier) =>
        new UsageEventValidator(new OnePartner(carrier), TestPlans.Catalog)
            .Validate(System.Text.Encoding.UTF8.GetBytes(evt.ToJsonString()), new ValidationContext(Now, carrier.Id));

    private sealed class OnePartner(Partner partner) : IPartnerDirectory
    {
        public Partner? Find(string partnerId) => partnerId == partner.Id ? partner : null;
    }
}

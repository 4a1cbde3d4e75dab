namespace Billing.Functions.MeterDeclaredUsage;

/// <summary>eventHubTrigger on <c>declared-usage</c> (cardinality many): every declared type of <c>meters/*.json</c>.</summary>
public sealed class MeterDeclaredUsageFunction(MeteringService metering)
    : HubMeteringFunction(metering, MeteringHubs.DeclaredUsage), IInvocationFunction
{
    public static string Name => "MeterDeclaredUsage";
}

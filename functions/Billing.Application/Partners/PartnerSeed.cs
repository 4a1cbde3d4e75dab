namespace Billing.Application.Partners;

/// <summary>One partner to register at start (<see cref="PartnerOptions.Items"/>).</summary>
public sealed class PartnerSeed
{
    public string Id { get; set; } = "";

    public PartnerRole Role { get; set; }

    public string ApiKey { get; set; } = "";

    public string? PlanId { get; set; }
}

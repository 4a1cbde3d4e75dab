namespace Billing.Domain.Definitions;

/// <summary>Who pays for an event: the posting partner (<see cref="Field"/> null), or the partner a data field names, with a role.</summary>
public sealed record PayerRule(string? Field, PartnerRole? Role)
{
    public static PayerRule Source { get; } = new(null, null);

    public bool IsSource => Field is null;
}

namespace Billing.Application.Partners;

/// <summary>The change contradicts the registry's state (HTTP 409): the id exists, or a finance partner would disable itself.</summary>
public sealed class PartnerConflictException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

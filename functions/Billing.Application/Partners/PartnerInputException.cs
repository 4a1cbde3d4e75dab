namespace Billing.Application.Partners;

/// <summary>A partner request with invalid fields (HTTP 400): each names its field and why.</summary>
public sealed class PartnerInputException(IReadOnlyList<ValidationError> errors)
    : Exception(string.Join("; ", errors))
{
    public IReadOnlyList<ValidationError> Errors { get; } = errors;
}

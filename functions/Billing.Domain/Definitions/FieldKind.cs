namespace Billing.Domain.Definitions;

/// <summary>The type of a data field of a definition (<c>meters/README.md</c>, "Field types").</summary>
public enum FieldKind
{
    WholeNumber,
    Text,
    Enum,
    Base58,
    Time,
    H3,
}

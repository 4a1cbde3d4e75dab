namespace Billing.Domain.Definitions;

/// <summary>A definition file that cannot be loaded: names the file, the JSON field path and the reason.</summary>
public sealed class DefinitionValidationException(string file, string field, string reason)
    : Exception($"Invalid event type definition {file}: {field}: {reason}")
{
    public string File { get; } = file;

    public string Field { get; } = field;

    public string Reason { get; } = reason;
}

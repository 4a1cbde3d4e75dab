namespace Billing.Domain.Definitions;

/// <summary>A definition file that cannot be loaded: names the file, the JSON field path and the reason.</summary>
public sealed class DefinitionValidationException(string file, string field, string reason)
    : JsonFileValidationException("event type definition", file, field, reason);

namespace Billing.Domain.Definitions;

/// <summary>A JSON file loaded at start-up (a plan, an event type definition) that is invalid: names the file, the JSON field path and the reason.</summary>
public abstract class JsonFileValidationException(string what, string file, string field, string reason)
    : Exception($"Invalid {what} {file}: {field}: {reason}")
{
    public string File { get; } = file;

    public string Field { get; } = field;

    public string Reason { get; } = reason;
}

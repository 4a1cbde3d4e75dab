namespace Billing.Functions.Infrastructure;

/// <summary>One invalid input of a <see cref="Problem"/>: the field (JSON path, query parameter or header) and why.</summary>
public readonly record struct FieldError(string Field, string Reason);

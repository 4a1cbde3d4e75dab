namespace Billing.Contracts.Problems;

/// <summary>One invalid input: the field (a JSON path, query parameter or header) and why it was refused.</summary>
public sealed record ApiFieldError(string Field, string Reason);

namespace Billing.Application.Ingestion;

/// <summary>One event of a request that validation refused: its position in the request, its id when readable, and why.</summary>
public sealed record EventRejection(int Index, string? Id, IReadOnlyList<ValidationError> Errors);

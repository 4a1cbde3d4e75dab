namespace Billing.Application.Ingestion;

/// <summary>A usage request refused as a whole: the kind, a sentence for people, and the fields at fault.</summary>
public sealed record IngestRefusal(IngestRefusalKind Kind, string Detail, IReadOnlyList<ValidationError> Errors);

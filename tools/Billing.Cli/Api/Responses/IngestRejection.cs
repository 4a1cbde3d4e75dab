namespace Billing.Cli.Api.Responses;

/// <summary>A rejected event of an <see cref="IngestResult"/>: its index in the batch, its id and the reasons (<c>field: reason</c>).</summary>
public sealed record IngestRejection(long? Index, string? Id, IReadOnlyList<string> Reasons);

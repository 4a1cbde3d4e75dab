namespace Billing.Cli.Api.Responses;

/// <summary>
/// <c>POST /api/v1/usage</c> (202, or 400 when nothing was accepted): how many events were accepted and which were
/// rejected. <see cref="Rejected"/> is null when the answer has no <c>rejected</c> array.
/// </summary>
public sealed record IngestResult(long? Accepted, IReadOnlyList<IngestRejection>? Rejected);

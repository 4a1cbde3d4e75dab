namespace Billing.Contracts.Usage;

/// <summary>POST /api/v1/usage, 202: how many events were accepted for metering and which were not.</summary>
public sealed record UsageAcceptedResponse(int Accepted, IReadOnlyList<RejectedEvent> Rejected);

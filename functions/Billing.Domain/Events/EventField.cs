namespace Billing.Domain.Events;

/// <summary>The fields of docs/contract.md §3 the validator reads: the envelope, then <c>data</c>'s fields of both event types.</summary>
internal enum EventField
{
    SpecVersion,
    Id,
    Source,
    Type,
    Subject,
    DataContentType,
    Time,
    Data,
    DataSchema,
    DataBase64,
    SessionId,
    HotspotId,
    SubscriberHash,
    RadioAccessTechnology,
    StartTime,
    EndTime,
    UploadBytes,
    DownloadBytes,
    RewardableBytes,
    LeaseId,
    TenantId,
    ProviderId,
    GpuModel,
    GpuCount,
    IntervalStart,
    IntervalEnd,
}

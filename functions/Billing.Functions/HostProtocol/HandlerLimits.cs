namespace Billing.Functions.HostProtocol;

/// <summary>
/// How large an invocation the handler accepts from the Functions host. The host JSON-encodes the events of an
/// eventHubTrigger twice (the array is a string holding JSON strings), so one character of an event can grow up to
/// seven bytes: <c>&lt;</c> → <c>\u003C</c> → <c>\\u003C</c> with System.Text.Json's default encoder (Newtonsoft, the
/// Azure host's, escapes less: <c>\</c> and <c>"</c> at most four times). The handler accepts any batch host.json can
/// deliver: <see cref="MaxEventBatchSize"/> events of <see cref="EventLimits.MaxEventBytes"/> escaped that much.
/// </summary>
public static class HandlerLimits
{
    /// <summary>host.json <c>extensions.eventHubs.maxEventBatchSize</c> may not exceed this (a test reads host.json).</summary>
    public const int MaxEventBatchSize = 1000;

    /// <summary>Bytes one byte of an event can become after the host's two JSON encodings.</summary>
    public const int WorstCaseEscaping = 7;

    /// <summary>Per-event metadata the host sends beside each event (sequence number, offset, times, properties), escaped.</summary>
    private const int MetadataBytesPerEvent = 4 * 1024;

    /// <summary>The largest metering invocation: every event at the size limit, escaped worst case, plus metadata and slack (≈ 450 MiB).</summary>
    public const long MaxMeteringInvocationBytes =
        (MaxEventBatchSize * ((long)EventLimits.MaxEventBytes * WorstCaseEscaping + MetadataBytesPerEvent)) + (8L * 1024 * 1024);

    /// <summary>
    /// POST /api/v1/usage reads bodies up to this size: the body may hold at most 1 MiB
    /// (<see cref="EventLimits.MaxRequestBytes"/>); a larger one up to this bound is read and dropped so that the caller
    /// gets a 413 problem, and past it the server stops reading.
    /// </summary>
    public const long MaxIngestRequestBytes = 16L * 1024 * 1024;

    /// <summary>
    /// POST /api/v1/stripe/webhook reads bodies up to this size into a buffer of at most 1 MiB (anonymous: only the signature,
    /// checked after reading, authenticates it); a larger one up to this bound is dropped as read, and past it the server stops.
    /// </summary>
    public const long MaxWebhookRequestBytes = 16L * 1024 * 1024;
}

using System.Runtime.InteropServices;
using Billing.Application.Telemetry;

namespace Billing.Application.Ingestion;

/// <summary>
/// Validates a partner's request (one event or a batch) and publishes the accepted events to their hub, keyed by payer
/// (<see cref="UsagePartitioner"/>: each fact partition has one writer). Nothing is stored here; the events are
/// accepted only once the hub has confirmed them (<see cref="IUsagePublisher"/>), and from there they reach metering at
/// least once. A publish that fails answers nothing accepted, and the partner's retry is deduplicated by metering.
/// The CloudEvents HTTP binding's content modes are told apart by <c>Content-Type</c> (§3): structured
/// (<c>application/cloudevents+json</c>, one event), batched (<c>application/cloudevents-batch+json</c>, an array),
/// binary (<c>ce-specversion</c> present: attributes in <c>ce-*</c> headers, body = data), and, for partners that
/// predate this, plain <c>application/json</c> holding an event or an array. Anything else is refused
/// (<see cref="IngestRefusalKind.UnsupportedMediaType"/>).
/// </summary>
public sealed class UsageIngestion(UsageEventValidator validator, UsagePartitioner partitioner, IUsagePublisher publisher, TimeProvider time, PartnerDirectory? partners = null)
{
    /// <summary>
    /// How old a registry read may be and still answer for a partner it does not know: requests naming unknown partners
    /// read it at most this often on an instance, however many arrive.
    /// </summary>
    public static readonly TimeSpan UnknownPartnerReadInterval = TimeSpan.FromSeconds(1);

    private enum Mode
    {
        Structured,
        Batch,
        PlainJson,
        Binary,
    }

    /// <summary>Why a partner in <paramref name="role"/> may not post usage (the 403's detail).</summary>
    public static string ForbiddenDetail(PartnerRole role) =>
        $"a {role.ToString().ToLowerInvariant()} may not post usage; only carriers and compute providers can";

    /// <summary>
    /// Validates the request and publishes what it accepts; the outcome reports events accepted only when the hubs have
    /// confirmed them. A transient publishing failure is <see cref="IngestRefusalKind.Unavailable"/> (nothing accepted).
    /// </summary>
    public async Task<IngestOutcome> IngestAsync(Partner caller, IReadOnlyDictionary<string, string> headers, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var outcome = Validate(caller, headers, body);
        if (outcome.NamesUnknownPartner && partners is not null)
        {
            // A partner another instance registered within the cache TTL (only the instance that registers it forgets its
            // cache at once) would be refused here until the TTL ran out: the registry is read again, then the request.
            await partners.RefreshUnlessReadSinceAsync(time.GetUtcNow() - UnknownPartnerReadInterval, cancellationToken).ConfigureAwait(false);
            outcome = Validate(caller, headers, body);
        }

        if (outcome.Refusal is not null)
        {
            return Counted(outcome, caller);
        }

        try
        {
            await publisher.PublishAsync(outcome.Published, cancellationToken).ConfigureAwait(false);
            return Counted(outcome, caller);
        }
        catch (UsagePublishUnavailableException ex)
        {
            // Batches confirmed before the failure, and one sent without an answer, are metered whatever this says: the
            // partner is told to resend the same ids (counted once), never to take the events back or give them new ids.
            return IngestOutcome.Refused(IngestRefusalKind.Unavailable, $"the usage could not all be queued for metering right now: some of its events may already be queued and will be counted; send the same events again with the same ids, never under new ids, and each is counted once ({ex.Message})");
        }
        catch (UsageEventTooLargeException ex)
        {
            return TooLarge($"accepted event {ex.Index} is {ex.BodyBytes} bytes and cannot be published (at most {ex.MaxBatchBytes}); nothing was accepted");
        }
    }

    /// <summary>
    /// Counts what a request accepted (once the hubs confirmed it), by type: built-in and declared alike (the declared
    /// types are the operator's <c>meters/*.json</c>, so the tag's values stay few), and what it rejected, by partner.
    /// </summary>
    private static IngestOutcome Counted(IngestOutcome outcome, Partner caller)
    {
        foreach (var (type, count) in outcome.AcceptedByType())
        {
            BillingTelemetry.EventsAccepted.Add(count, new KeyValuePair<string, object?>("type", type));
        }

        BillingTelemetry.EventsRejected.Add(outcome.Rejected.Count, new KeyValuePair<string, object?>("partner", caller.Id));
        return outcome;
    }

    /// <summary>
    /// Validation only: what <see cref="IngestAsync"/> would publish and reject, with nothing published. The body is the
    /// request's bytes as sent: a format this API does not read is refused for its format (415) before its bytes are
    /// read as text, as it need not be text at all; what is read must be UTF-8.
    /// </summary>
    public IngestOutcome Validate(Partner caller, IReadOnlyDictionary<string, string> headers, ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(headers);
        if (caller.Role is not (PartnerRole.Carrier or PartnerRole.Provider))
        {
            return IngestOutcome.Refused(IngestRefusalKind.Forbidden, ForbiddenDetail(caller.Role));
        }

        if (body.Length > EventLimits.MaxRequestBytes)
        {
            return TooLarge($"the request is {body.Length} bytes; the limit is {EventLimits.MaxRequestBytes} bytes (1 MiB)");
        }

        if (ContentMode(headers, out Mode mode, out string? contentType) is { } refused)
        {
            return refused;
        }

        // A leading byte order mark is no part of the JSON text (RFC 8259 §8.1 lets a parser ignore it), and the API's
        // other JSON bodies are read without it: .NET's Encoding.UTF8 and Windows tools write one.
        int mark = body.Span.StartsWith("\uFEFF"u8) ? 3 : 0;
        if (!CloudEventsText.DeclaresUtf8OrNoCharset(contentType, out string? charset)
            && (CloudEventsText.IsWideCharset(charset!) || body.Span[mark..].ContainsAnyExceptInRange((byte)0, (byte)0x7F)))
        {
            // Bytes beyond ASCII mean other text in that charset than in UTF-8: read as UTF-8 anyway, the event metered would
            // not be the one its sender meant, and nothing would tell it. ASCII bytes read alike in the byte-wide charsets
            // (ISO-8859-*, Windows-125x, US-ASCII); in UTF-16 or UTF-32 nothing does.
            return UnsupportedMediaType($"Content-Type declares charset '{charset}', and the body holds bytes beyond ASCII, which mean other text in it: usage is read as UTF-8 only (RFC 8259 §8.1); send UTF-8, with charset=utf-8 or none");
        }

        if (StrictUtf8.TryDecode(body.Span[mark..], out int badByte) is not { } text)
        {
            badByte += mark;
            // Read leniently, each bad byte would become U+FFFD: the event stored would not be the one sent, and ids
            // differing only there would collide.
            string reason = $"must be UTF-8 text (byte {badByte} is not)";
            return Malformed($"the body is not UTF-8: {reason}", new ValidationError("$", reason));
        }

        return Validate(caller, headers, mode, contentType, text);
    }

    private IngestOutcome Validate(Partner caller, IReadOnlyDictionary<string, string> headers, Mode mode, string? contentType, string body)
    {
        if (mode == Mode.Binary)
        {
            return IngestBinary(caller, headers, contentType!, body);
        }

        if (string.IsNullOrWhiteSpace(body))
        {
            return Malformed("the body is empty; send one CloudEvent or a JSON array of them", new ValidationError("$", "is required"));
        }

        JsonDocument document;
        try
        {
            document = JsonText.ParseStrict(body);
        }
        catch (JsonException ex)
        {
            return Malformed($"the body is not valid JSON: {ex.Message}", new ValidationError("$", "must be valid JSON"));
        }

        using (document)
        {
            var root = document.RootElement;
            if (mode == Mode.Structured && root.ValueKind == JsonValueKind.Array)
            {
                return UnsupportedMediaType("Content-Type application/cloudevents+json declares one event, but the body is a JSON array; send a batch as application/cloudevents-batch+json");
            }

            if (mode == Mode.Batch && root.ValueKind == JsonValueKind.Object)
            {
                return UnsupportedMediaType("Content-Type application/cloudevents-batch+json declares a batch, but the body is one JSON object; send it as an array or as application/cloudevents+json");
            }

            List<JsonElement> events;
            if (root.ValueKind == JsonValueKind.Array)
            {
                int count = root.GetArrayLength();
                if (count > EventLimits.MaxEventsPerRequest)
                {
                    return TooLarge($"the batch holds {count} events; the limit is {EventLimits.MaxEventsPerRequest}");
                }

                if (count == 0)
                {
                    return Malformed("empty batch: nothing to accept", new ValidationError("$", "empty batch: must hold at least one event"));
                }

                events = root.EnumerateArray().ToList();
            }
            else if (root.ValueKind == JsonValueKind.Object)
            {
                events = [root];
            }
            else
            {
                return Malformed("the body must be a CloudEvent object or an array of them", new ValidationError("$", "must be an object or an array"));
            }

            return Answer(events.Count, i => JsonMarshal.GetRawUtf8Value(events[i]), new ValidationContext(time.GetUtcNow(), caller.Id), []);
        }
    }

    /// <summary>Binary mode: the canonical structured event is validated and published, as if it had been sent structured.</summary>
    private IngestOutcome IngestBinary(Partner caller, IReadOnlyDictionary<string, string> headers, string contentType, string body)
    {
        var transportErrors = new List<ValidationError>();
        byte[] structured = BinaryContentMode.ToStructured(headers, contentType, body, transportErrors);
        return Answer(1, _ => structured, new ValidationContext(time.GetUtcNow(), caller.Id), transportErrors);
    }

    /// <summary>Validates each event: accepted ones are routed to their hub and payer key, the others are rejected with their reasons.</summary>
    /// <param name="count">How many events the request holds.</param>
    /// <param name="eventAt">The UTF-8 JSON of event i.</param>
    /// <param name="context">The validation clock and caller.</param>
    /// <param name="transportErrors">Errors of a binary-mode request's HTTP form, reported before the event's own.</param>
    private IngestOutcome Answer(int count, Func<int, ReadOnlySpan<byte>> eventAt, ValidationContext context, List<ValidationError> transportErrors)
    {
        var published = new List<PublishedUsage>();
        var rejected = new List<EventRejection>();
        Dictionary<(string Source, string Id), (int Index, string Hash)>? seen = count > 1 ? new(count) : null;
        bool unknownPartner = false;
        for (int i = 0; i < count; i++)
        {
            var raw = eventAt(i);
            var result = validator.Validate(raw, context);
            unknownPartner |= result.NamesUnknownPartner || result.NamesUngrantedPayer; // both read the registry at most once a second here
            if (result.Fact is { } fact && transportErrors.Count == 0)
            {
                if (RepeatsWithOtherContent(seen, fact, i) is not { } first)
                {
                    published.Add(partitioner.Route(fact, raw.ToArray()));
                    continue;
                }

                // Metering would keep the first and set this one aside as a conflict, which is never replayed: the
                // usage would be lost behind a 202. Said now, the partner can give it its own id.
                rejected.Add(new EventRejection(i, result.Id, [new("id", $"repeats the id of event {first} in this request with different content; (source, id) names one event, so only the first would count")]));
                continue;
            }

            IReadOnlyList<ValidationError> errors = transportErrors.Count == 0 ? result.Errors : [.. transportErrors, .. result.Errors.Where(e => !transportErrors.Any(t => t.Field == e.Field))];
            rejected.Add(new EventRejection(i, result.Id, errors));
        }

        if (published.Count == 0)
        {
            // One event: its errors are the request's; a batch's are per event, in the rejections.
            IReadOnlyList<ValidationError> fields = count == 1 ? rejected[0].Errors : [];
            return new IngestOutcome([], rejected, new IngestRefusal(IngestRefusalKind.NoEventAccepted, $"all {count} event(s) were rejected; see 'rejected'", fields)) { NamesUnknownPartner = unknownPartner };
        }

        return new IngestOutcome(published, rejected) { NamesUnknownPartner = unknownPartner };
    }

    /// <summary>
    /// The index of an earlier accepted event of the request with the same (source, id) and another content hash, or null.
    /// The same content again is a harmless resend (metering counts it once), so it is accepted.
    /// </summary>
    private static int? RepeatsWithOtherContent(Dictionary<(string Source, string Id), (int Index, string Hash)>? seen, UsageFact fact, int index)
    {
        if (seen is null)
        {
            return null;
        }

        ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(seen, (fact.Source, fact.Id), out bool exists);
        if (!exists)
        {
            entry = (index, fact.ContentHash);
            return null;
        }

        return entry.Hash == fact.ContentHash ? null : entry.Index;
    }

    private static IngestOutcome? ContentMode(IReadOnlyDictionary<string, string> headers, out Mode mode, out string? contentType)
    {
        contentType = BinaryContentMode.Find(headers, "Content-Type");
        string? essence = CloudEventsText.MediaTypeEssence(contentType);
        mode = Mode.PlainJson;
        switch (essence)
        {
            case "application/cloudevents+json":
                mode = Mode.Structured;
                return null;
            case "application/cloudevents-batch+json":
                mode = Mode.Batch;
                return null;
            case not null when essence.StartsWith("application/cloudevents", StringComparison.Ordinal):
                return UnsupportedMediaType($"'{contentType}' is a CloudEvents format this API does not read; send application/cloudevents+json or application/cloudevents-batch+json");
            case var _ when BinaryContentMode.IsPresent(headers):
                if (essence is null || !CloudEventsText.IsJsonMediaType(contentType))
                {
                    return UnsupportedMediaType($"binary mode: Content-Type '{contentType}' is the event data's type, and usage data must be JSON (application/json or a +json type)");
                }

                mode = Mode.Binary;
                return null;
            case "application/json":
                return null;
            default:
                return UnsupportedMediaType(contentType is null
                    ? "Content-Type is missing; send application/cloudevents+json (one event), application/cloudevents-batch+json (a batch) or binary mode (ce-* headers)"
                    : $"'{contentType}' is neither application/cloudevents+json (one event), application/cloudevents-batch+json (a batch) nor binary mode (ce-* headers)");
        }
    }

    private static IngestOutcome UnsupportedMediaType(string reason) =>
        IngestOutcome.Refused(IngestRefusalKind.UnsupportedMediaType, reason, new ValidationError("Content-Type", reason));

    /// <summary>Over a limit of the request as a whole: the body (<c>$</c>) is what to make smaller.</summary>
    public static IngestOutcome TooLarge(string detail) => IngestOutcome.Refused(IngestRefusalKind.TooLarge, detail, new ValidationError("$", detail));

    private static IngestOutcome Malformed(string detail, ValidationError error) => IngestOutcome.Refused(IngestRefusalKind.Malformed, detail, error);
}

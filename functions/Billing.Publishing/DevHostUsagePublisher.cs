using System.Net;
using System.Net.Http.Json;

namespace Billing.Publishing;

/// <summary>
/// <see cref="IUsagePublisher"/> for local runs: the DevHost (the stand-in for the Functions host) also stands in for
/// Event Hubs, and takes events at <c>POST {endpoint}/admin/devhost/eventhubs/{hub}</c> with one partition key per request.
/// Its hubs map a key to a partition by a stable hash, as the service does, so locally too one fact partition has one
/// writer. The DevHost answers 201 only after the events are appended (and, with a data directory, flushed to disk):
/// the same "confirmed before 202" guarantee as <see cref="EventHubsUsagePublisher"/>. Requests go out one after the
/// other; the first failure stops the call.
/// </summary>
public sealed partial class DevHostUsagePublisher(HttpClient http, PublishingOptions options, ILogger<DevHostUsagePublisher> logger) : IUsagePublisher
{
    /// <summary>The DevHost route that appends events to a hub (a DevHost-only route, never part of the public API).</summary>
    public const string RoutePrefix = "admin/devhost/eventhubs/";

    /// <summary>Largest request the DevHost takes (its Kestrel limit), with room for the JSON around the events.</summary>
    public const int MaxRequestBytes = 3 * 1024 * 1024;

    public async Task PublishAsync(IReadOnlyList<PublishedUsage> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return;
        }

        var requests = new List<(UsageHub Hub, DevHostHubRequest Request)>();
        foreach (var group in events.Select((e, i) => (Event: e, Index: i)).GroupBy(x => (x.Event.Hub, x.Event.PartitionKey)))
        {
            var bodies = new List<string>();
            long bytes = 0;
            foreach (var (e, index) in group)
            {
                // A JSON string escapes each byte to at most 6; an event that cannot fit an empty request fails the call before anything is sent.
                long size = 6L * e.Body.Length;
                if (size > MaxRequestBytes)
                {
                    throw new UsageEventTooLargeException(index, e.Hub, e.Body.Length, MaxRequestBytes / 6);
                }

                if (bytes + size > MaxRequestBytes)
                {
                    requests.Add((group.Key.Hub, new DevHostHubRequest(group.Key.PartitionKey, bodies)));
                    bodies = [];
                    bytes = 0;
                }

                bodies.Add(Encoding.UTF8.GetString(e.Body.Span));
                bytes += size;
            }

            requests.Add((group.Key.Hub, new DevHostHubRequest(group.Key.PartitionKey, bodies)));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.PublishTimeout);
        int sent = 0;
        foreach (var (hub, request) in requests)
        {
            string hubName = UsageHubNames.Of(hub);
            HttpResponseMessage response;
            try
            {
                response = await http.PostAsJsonAsync(RoutePrefix + Uri.EscapeDataString(hubName), request, DevHostJsonContext.Default.DevHostHubRequest, timeout.Token).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw Unavailable(hub, sent, requests.Count, ex.Message, ex);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw Unavailable(hub, sent, requests.Count, $"no confirmation within {options.PublishTimeout}", ex);
            }

            using (response)
            {
                if (response.StatusCode != HttpStatusCode.Created)
                {
                    // The DevHost refuses only what it cannot hold (it is local): any refusal is worth a retry by the partner.
                    throw Unavailable(hub, sent, requests.Count, $"the DevHost answered {(int)response.StatusCode}", null);
                }
            }

            sent++;
        }
    }

    private UsagePublishUnavailableException Unavailable(UsageHub hub, int sent, int total, string reason, Exception? inner)
    {
        LogUnavailable(logger, hub, sent, total, reason);
        string message = $"publishing to {hub} through the DevHost failed ({reason}) after {sent} of {total} request(s) were confirmed; retry later";
        return inner is null ? new UsagePublishUnavailableException(message) : new UsagePublishUnavailableException(message, inner);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing to {Hub} through the DevHost failed ({Reason}) after {Sent} of {Total} requests; the request is answered 503")]
    private static partial void LogUnavailable(ILogger logger, UsageHub hub, int sent, int total, string reason);
}

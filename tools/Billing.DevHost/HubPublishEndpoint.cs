namespace Billing.DevHost;

/// <summary>The DevHost's stand-in for an Event Hubs producer's send: how the app's usage publisher reaches the in-process hubs.</summary>
public static class HubPublishEndpoint
{
    /// <summary>
    /// <c>POST /admin/devhost/eventhubs/{hub}</c> with <c>{"partitionKey":"…","events":["…",…]}</c>: what an Event Hubs
    /// producer's send is to the real service. The events go to the key's partition (a stable hash, as the service
    /// does) and are readable, and with a data directory on disk, before the 201; a hub no function reads is 404, so
    /// a misnamed hub fails the publish instead of losing events.
    /// </summary>
    public static async Task PublishAsync(HttpContext context, FunctionApp app, EventHubBroker broker, Func<string?, string?> resolve, string hubName)
    {
        if (!app.Functions.Any(f => f.Trigger.Type == "eventHubTrigger" && string.Equals(resolve(f.Trigger.Setting("eventHubName")), hubName, StringComparison.OrdinalIgnoreCase)))
        {
            context.Response.StatusCode = 404;
            return;
        }

        string? key;
        List<string> events;
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            key = body.RootElement.GetProperty("partitionKey").GetString();
            events = body.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetString() ?? throw new InvalidDataException("an event is null")).ToList();
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or InvalidDataException)
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync($"expected {{\"partitionKey\":\"…\",\"events\":[\"…\"]}}: {ex.Message}", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        broker.GetHub(hubName).Publish(events, string.IsNullOrEmpty(key) ? null : key);
        context.Response.StatusCode = 201;
    }
}

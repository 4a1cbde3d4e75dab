namespace Billing.Reliability.Tests.Infrastructure;

/// <summary>One generated carrier event: its JSON text and what it must add to the meters.</summary>
public sealed record GeneratedEvent(string Id, string Hotspot, long Bytes, string Json);

/// <summary>
/// Deterministic carrier offload events (seeded) from the shared <see cref="CarrierEvent"/> builder, times in the last
/// two days so they stay in any query window we use.
/// </summary>
public sealed class EventFactory(int seed)
{
    private readonly Random random = new(seed);
    private readonly DateTimeOffset now = DateTimeOffset.UtcNow;

    public string Hotspot() => SampleEvents.NewHotspot(random);

    public GeneratedEvent Carrier(string source, string id, string hotspot)
    {
        var t = now.AddSeconds(-random.Next(120, 2 * 24 * 3600));
        long up = random.Next(0, 5_000_000);
        long down = random.Next(1, 20_000_000);
        string rat = random.Next(3) switch { 0 => "wlan", 1 => "cbrs", _ => "nr" };
        var duration = TimeSpan.FromMinutes(random.Next(1, 60));
        string json = new CarrierEvent(id, hotspot, up, down, t)
        {
            Source = source,
            RadioAccessTechnology = rat,
            Duration = duration,
            DataContentType = "application/json",
        }.ToJsonString();
        return new GeneratedEvent(id, hotspot, up + down, json);
    }

    public int Next(int max) => random.Next(max);

    public static string BatchJson(IEnumerable<GeneratedEvent> events) => "[" + string.Join(",", events.Select(e => e.Json)) + "]";
}

using System.Globalization;
using System.Numerics;
using System.Text;

namespace Billing.Reliability.Tests.Infrastructure;

/// <summary>One generated carrier event: its JSON text and what it must add to the meters.</summary>
public sealed record GeneratedEvent(string Id, string Hotspot, long Bytes, string Json);

/// <summary>Deterministic carrier offload events (seeded), times in the last two days so they stay in any query window we use.</summary>
public sealed class EventFactory(int seed)
{
    private const string Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private readonly Random random = new(seed);
    private readonly DateTimeOffset now = DateTimeOffset.UtcNow;

    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public string Hotspot()
    {
        var bytes = new byte[32];
        random.NextBytes(bytes);
        bytes[0] |= 1;
        var n = new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        var chars = new StringBuilder();
        while (n > 0)
        {
            chars.Insert(0, Alphabet[(int)(n % 58)]);
            n /= 58;
        }

        return chars.ToString();
    }

    public GeneratedEvent Carrier(string source, string id, string hotspot)
    {
        var t = now.AddSeconds(-random.Next(120, 2 * 24 * 3600));
        long up = random.Next(0, 5_000_000);
        long down = random.Next(1, 20_000_000);
        string rat = (random.Next(3)) switch { 0 => "wlan", 1 => "cbrs", _ => "nr" };
        string json = "{\"specversion\":\"1.0\",\"type\":\"depin.carrier.offload.v1\",\"source\":" + Quote(source) + ",\"id\":" + Quote(id)
            + ",\"time\":\"" + Time(t) + "\",\"datacontenttype\":\"application/json\",\"data\":{\"sessionId\":" + Quote(id)
            + ",\"hotspotId\":\"" + hotspot + "\",\"radioAccessTechnology\":\"" + rat + "\",\"startTime\":\"" + Time(t.AddMinutes(-random.Next(1, 60)))
            + "\",\"endTime\":\"" + Time(t) + "\",\"uploadBytes\":" + up.ToString(CultureInfo.InvariantCulture)
            + ",\"downloadBytes\":" + down.ToString(CultureInfo.InvariantCulture) + "}}";
        return new GeneratedEvent(id, hotspot, up + down, json);
    }

    public int Next(int max) => random.Next(max);

    public static string Quote(string s) => System.Text.Json.JsonSerializer.Serialize(s);

    public static string BatchJson(IEnumerable<GeneratedEvent> events) => "[" + string.Join(",", events.Select(e => e.Json)) + "]";
}

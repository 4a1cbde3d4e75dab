namespace Billing.Reliability.Tests.Fuzz;

/// <summary>A mutated request body and what the API may answer to it.</summary>
public sealed record FuzzCase(string Name, byte[] Body, int[] Allowed);

/// <summary>Deterministic mutations of valid carrier events (seeded): types, numbers, nesting, encodings, ids, keys, truncation, sizes.</summary>
public static class Mutations
{
    public static readonly string[] HostileNumbers = ["1e400", "-1e400", "-0", "9223372036854775808", "-9223372036854775809", "18446744073709551616", "1.5", "1e13", "10000000000001", "0.0000001", "-1", "NaN", "Infinity", "0x10", "01", "1_000"];

    public static readonly string[] HostileValues = ["null", "true", "false", "\"\"", "\"text\"", "{}", "[]", "[1,2]", "{\"a\":1}", "\"\\u0000\"", "\"9999-99-99T99:99:99Z\"", "\"2026-13-45T10:00:00Z\""];

    public static readonly string[] HostileIds =
    [
        "a/b", "a\\b", "a#b", "a?b", "a|b", "%2F", "..", "'", "\"q\"", "a b", "ü-é-漢字", "🙂", "x\u0001y", "x\ny", "x\u007fy", "\u0000", "", new string('x', 129), new string('y', 128), "a\tb", "%00", "<script>",
    ];

    private static readonly string[] Fields = ["specversion", "type", "source", "id", "time", "datacontenttype", "data", "data.sessionId", "data.hotspotId", "data.radioAccessTechnology", "data.startTime", "data.endTime", "data.uploadBytes", "data.downloadBytes", "data.rewardableBytes", "data.subscriberHash"];

    private static readonly int[] Ok = [202];
    private static readonly int[] Rejected = [400];
    private static readonly int[] OkOrRejected = [202, 400];
    private static readonly int[] TooLarge = [413];

    public static IEnumerable<FuzzCase> Generate(int count, int seed, string hotspot)
    {
        var random = new Random(seed);
        yield return new FuzzCase("empty", [], Rejected);
        yield return new FuzzCase("whitespace", "  \n "u8.ToArray(), Rejected);
        yield return new FuzzCase("empty-array", "[]"u8.ToArray(), Rejected);
        yield return new FuzzCase("deep-array-1000", Encoding.UTF8.GetBytes(new string('[', 1000) + new string(']', 1000)), Rejected);
        yield return new FuzzCase("deep-object-1000", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 1000)) + "1" + new string('}', 1000)), Rejected);
        var deepData = Valid(random, hotspot);
        yield return new FuzzCase("deep-data-1000", Encoding.UTF8.GetBytes(deepData.ToJsonString().Replace("\"data\":{", "\"x\":" + string.Concat(Enumerable.Repeat("{\"a\":", 1000)) + "1" + new string('}', 1000) + ",\"data\":{", StringComparison.Ordinal)), Rejected);
        yield return new FuzzCase("array-1001", Encoding.UTF8.GetBytes(new JsonArray(Enumerable.Range(0, 1001).Select(_ => (JsonNode?)Valid(random, hotspot)).ToArray()).ToJsonString()), TooLarge);
        var big = Valid(random, hotspot);
        big["data"]!["sessionId"] = new string('s', 2 * 1024 * 1024);
        yield return new FuzzCase("string-2MB", Encoding.UTF8.GetBytes(big.ToJsonString()), TooLarge);
        var event70k = Valid(random, hotspot);
        event70k["subject"] = new string('s', 70 * 1024);
        yield return new FuzzCase("event-70KB", Encoding.UTF8.GetBytes(event70k.ToJsonString()), Rejected);
        yield return new FuzzCase("not-json", "hello"u8.ToArray(), Rejected);
        yield return new FuzzCase("scalar", "42"u8.ToArray(), Rejected);
        yield return new FuzzCase("string", "\"event\""u8.ToArray(), Rejected);
        yield return new FuzzCase("null", "null"u8.ToArray(), Rejected);
        yield return new FuzzCase("bom-valid", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Valid(random, hotspot).ToJsonString())], [202, 400]);
        yield return new FuzzCase("array-of-scalars", "[1,\"a\",null,[],{}]"u8.ToArray(), Rejected);

        for (int i = 0; i < count; i++)
        {
            var e = Valid(random, hotspot);
            string text = e.ToJsonString();
            int kind = random.Next(12);
            switch (kind)
            {
                case 0:
                    yield return new FuzzCase($"valid-{i}", Encoding.UTF8.GetBytes(text), Ok);
                    break;
                case 1:
                {
                    string field = Fields[random.Next(Fields.Length)];
                    string value = random.Next(2) == 0 ? HostileNumbers[random.Next(HostileNumbers.Length)] : HostileValues[random.Next(HostileValues.Length)];
                    yield return new FuzzCase($"set-{field}={value}-{i}", Encoding.UTF8.GetBytes(SetRaw(e, field, value)), OkOrRejected);
                    break;
                }

                case 2:
                {
                    string field = Fields[random.Next(Fields.Length)];
                    Remove(e, field);
                    yield return new FuzzCase($"remove-{field}-{i}", Encoding.UTF8.GetBytes(e.ToJsonString()), OkOrRejected);
                    break;
                }

                case 3:
                {
                    string id = HostileIds[random.Next(HostileIds.Length)] + (random.Next(2) == 0 ? "" : "-" + i);
                    e["id"] = id.Length > 140 ? id[..140] : id;
                    yield return new FuzzCase($"id-{i}", Encoding.UTF8.GetBytes(e.ToJsonString()), OkOrRejected);
                    break;
                }

                case 4:
                {
                    string dup = random.Next(4) switch
                    {
                        0 => "\"id\":\"dup-" + i + "\",",
                        1 => "\"time\":\"2020-01-01T00:00:00Z\",",
                        2 => "\"\\u0069d\":\"dup-" + i + "\",", // "id" spelled with an escape: still a duplicate
                        _ => "\"\\ud800\":" + i + ",",           // a property name that is a lone surrogate: not text
                    };
                    yield return new FuzzCase($"duplicate-or-bad-key-{i}", Encoding.UTF8.GetBytes("{" + dup + text[1..]), Rejected);
                    break;
                }

                case 5:
                {
                    int cut = random.Next(0, text.Length - 1);
                    yield return new FuzzCase($"truncated-{cut}-{i}", Encoding.UTF8.GetBytes(text[..cut]), Rejected);
                    break;
                }

                case 6:
                {
                    var bytes = Encoding.UTF8.GetBytes(text).ToList();
                    int at = text.IndexOf("\"sessionId\":\"", StringComparison.Ordinal) + 13;
                    byte[][] bad = [[0xC3, 0x28], [0xFF], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x80]];
                    bytes.InsertRange(at, bad[random.Next(bad.Length)]);
                    yield return new FuzzCase($"invalid-utf8-{i}", [.. bytes], OkOrRejected); // the host decodes with replacement characters
                    break;
                }

                case 7:
                {
                    var bytes = Encoding.UTF8.GetBytes(text);
                    for (int f = 0; f < 1 + random.Next(4); f++)
                    {
                        bytes[random.Next(bytes.Length)] = (byte)random.Next(32, 127);
                    }

                    yield return new FuzzCase($"byteflip-{i}", bytes, OkOrRejected);
                    break;
                }

                case 8:
                {
                    var batch = new JsonArray();
                    int n = 1 + random.Next(20);
                    for (int k = 0; k < n; k++)
                    {
                        var item = Valid(random, hotspot);
                        if (random.Next(3) == 0)
                        {
                            item["data"]!["uploadBytes"] = JsonNode.Parse(HostileNumbers[random.Next(HostileNumbers.Length)] switch { "NaN" or "Infinity" or "0x10" or "01" or "1_000" => "-5", var v => v });
                        }

                        batch.Add(item);
                    }

                    yield return new FuzzCase($"mixed-batch-{i}", Encoding.UTF8.GetBytes(batch.ToJsonString()), OkOrRejected);
                    break;
                }

                case 9:
                {
                    string ctl = ((char)random.Next(0, 32)).ToString();
                    e["source"] = "carrier-tmo" + ctl;
                    yield return new FuzzCase($"control-source-{i}", Encoding.UTF8.GetBytes(e.ToJsonString()), Rejected);
                    break;
                }

                case 10:
                {
                    e["type"] = random.Next(2) == 0 ? "depin.compute.usage.v1" : "depin.unknown.v9";
                    yield return new FuzzCase($"wrong-type-{i}", Encoding.UTF8.GetBytes(e.ToJsonString()), Rejected);
                    break;
                }

                default:
                {
                    // nesting inside data, moderate depth
                    int depth = 10 + random.Next(200);
                    string nested = string.Concat(Enumerable.Repeat("[", depth)) + "1" + new string(']', depth);
                    yield return new FuzzCase($"nested-field-{depth}-{i}", Encoding.UTF8.GetBytes(SetRaw(e, "data.uploadBytes", nested)), Rejected);
                    break;
                }
            }
        }
    }

    public static JsonObject Valid(Random random, string hotspot)
    {
        var e = SampleEvents.Carrier("fz-" + random.Next().ToString("x8", System.Globalization.CultureInfo.InvariantCulture) + random.Next().ToString("x8", System.Globalization.CultureInfo.InvariantCulture), hotspot, random.Next(0, 1000), random.Next(0, 1000), DateTimeOffset.UtcNow.AddMinutes(-5 - random.Next(600)));
        return e;
    }

    /// <summary>Sets a (possibly nested) field to raw JSON text, also text that is not valid JSON on its own (1e400, NaN).</summary>
    public static string SetRaw(JsonObject e, string path, string raw)
    {
        const string Marker = "\"__RAW_MARKER__\"";
        var parts = path.Split('.');
        JsonObject target = parts.Length == 2 ? e["data"] as JsonObject ?? e : e;
        target[parts[^1]] = "__RAW_MARKER__";
        return e.ToJsonString().Replace(Marker, raw, StringComparison.Ordinal);
    }

    private static void Remove(JsonObject e, string path)
    {
        var parts = path.Split('.');
        (parts.Length == 2 ? e["data"] as JsonObject ?? e : e).Remove(parts[^1]);
    }
}

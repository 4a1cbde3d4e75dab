using Billing.Functions.HostProtocol;

namespace Billing.Functions.Tests.HostProtocol;

/// <summary>How the events of an invocation are read, in every shape the host may send them.</summary>
public class HostJsonTests
{
    private static IReadOnlyList<string> ItemsOf(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return HostJson.StringItems(doc.RootElement.Clone());
    }

    [Theory]
    [InlineData("""["{\"id\":\"a\"}","{\"id\":\"b\"}"]""", new[] { """{"id":"a"}""", """{"id":"b"}""" })] // plain array
    [InlineData("""  "[\"{\\\"id\\\":\\\"a\\\"}\",\"{\\\"id\\\":\\\"b\\\"}\"]"  """, new[] { """{"id":"a"}""", """{"id":"b"}""" })] // double-encoded
    [InlineData(""" "[\"\\u003Cé\\\"\\\\ \\ud83d\\ude00\"]" """, new[] { "<é\"\\ \U0001F600" })] // escapes at both levels
    [InlineData(""" "\u005B\"x\"]" """, new[] { "x" })] // the bracket itself escaped
    [InlineData(""" "[1, {\"a\":2}]" """, new[] { "1", """{"a":2}""" })] // items that are no strings: their JSON
    [InlineData(""" "not an array" """, new[] { "not an array" })] // cardinality one
    [InlineData(""" "[not json" """, new[] { "[not json" })] // looks like an array, is not: one item, quarantined later
    [InlineData(""" "" """, new[] { "" })]
    public void StringItems_EveryShape_ReadsTheEventTexts(string json, string[] expected)
    {
        Assert.Equal(expected, ItemsOf(json));
    }

    [Fact]
    public void StringItems_LoneSurrogateEscapeInAnEvent_IsThatEventsRawJson()
    {
        var items = ItemsOf(""" "[\"\\ud800\",\"ok\"]" """);

        Assert.Equal(["\"\\ud800\"", "ok"], items); // unreadable as text: kept raw, quarantined as malformed
    }

    [Fact]
    public void StringItems_LoneSurrogateEscapeInTheEncodedArrayItself_IsOneRawItemNotAnException()
    {
        const string Json = """ "[\"a\"]\ud800" """;

        Assert.Equal(Json.Trim(), Assert.Single(ItemsOf(Json))); // the whole value, raw
    }

    [Fact]
    public void StringItems_ThousandEncodedEvents_AllReadInOrder()
    {
        var events = Enumerable.Range(0, 1000).Select(i => JsonSerializer.Serialize(new { id = $"e-{i}", note = "<\"q\">" })).ToList();
        string encoded = JsonSerializer.Serialize(JsonSerializer.Serialize(events));

        Assert.Equal(events, ItemsOf(encoded));
    }
}

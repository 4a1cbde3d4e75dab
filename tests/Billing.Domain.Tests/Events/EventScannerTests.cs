using static Billing.Domain.Tests.Events.TestEvents;

namespace Billing.Domain.Tests.Events;

/// <summary>
/// How the validator reads an event's UTF-8 text (EventScanner, one forward pass): the same JSON that
/// <see cref="JsonText.ParseStrict(string)"/> accepts, whatever the layout, escapes or extra fields.
/// </summary>
public class EventScannerTests
{
    private static EventValidationResult ValidateText(string json, string? poster = "carrier-tmo") =>
        Validator().Validate(Encoding.UTF8.GetBytes(json), new ValidationContext(Now, poster));

    private static string CarrierText() => Carrier().ToJsonString();

    [Theory]
    [InlineData("{\"id\":\"dup\",")]                 // a known envelope field twice
    [InlineData("{\"\\u0069d\":\"dup\",")]             // a known field, once spelled with an escape
    [InlineData("{\"ext\":1,\"ext\":2,")]              // an extension attribute twice
    [InlineData("{\"ext\":1,\"e\\u0078t\":2,")]         // an extension attribute, once escaped
    [InlineData("{\"ext\":{\"a\":1,\"a\":2},")]        // inside an object nobody reads
    [InlineData("{\"ext\":[{\"a\":1,\"a\":2}],")]      // inside an array nobody reads
    public void Validate_DuplicatePropertyNames_AreInvalidJson(string prefix)
    {
        string json = prefix + CarrierText()[1..];

        Assert.ThrowsAny<JsonException>(() => ValidateText(json));
        Assert.ThrowsAny<JsonException>(() => JsonText.ParseStrict(json).Dispose()); // the document parser's verdict too
    }

    [Fact]
    public void Validate_DuplicateFieldInsideData_IsInvalidJson()
    {
        string json = CarrierText().Replace("\"data\":{", "\"data\":{\"uploadBytes\":1,", StringComparison.Ordinal);

        Assert.ThrowsAny<JsonException>(() => ValidateText(json));
    }

    /// <summary>
    /// Names the validator does not read are kept to reject a duplicate. Compared each with all before it, 100,000 of them
    /// in a 1 MiB body took 18-45 s to answer (400, over the size limit); checked in linear time they take about as long as
    /// parsing the body (a few times it). Measured side by side with a parse of the same text in one run, not against a
    /// clock bound, so the machine's load weighs on both sides: quadratic time is hundreds of times the parse.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Validate_100000DistinctUnreadNames_TakesAFewParsesNotHundreds(bool inData)
    {
        string json = WithMembers(DistinctMembers(100_000, width: 5), inData);
        byte[] utf8 = Encoding.UTF8.GetBytes(json);
        JsonDocument.Parse(utf8).Dispose(); // warm-up
        ValidateText(json);

        double parse = Best(3, () => JsonDocument.Parse(utf8).Dispose());
        double validate = Best(2, () => Assert.Contains(ValidateText(json).Errors, e => e.Field == "$" && e.Reason.StartsWith($"event is {utf8.Length} bytes", StringComparison.Ordinal)));

        double ratio = validate / parse;
        Assert.True(ratio < 60, $"validating took {ratio:0} parses ({validate * 1000:0} ms against {parse * 1000:0} ms): not linear");
    }

    private static double Best(int runs, Action action) =>
        Enumerable.Range(0, runs).Min(_ =>
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            action();
            return watch.Elapsed.TotalSeconds;
        });

    [Fact]
    public void Validate_EventUnderTheLimitPaddedWithThousandsOfDistinctNamesInData_IsValid()
    {
        string json = WithMembers(DistinctMembers(8_000, width: 3), inData: true);

        var result = ValidateText(json);

        Assert.InRange(Encoding.UTF8.GetByteCount(json), 60_000, EventLimits.MaxEventBytes);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    [Theory]
    [InlineData(false, 3)]
    [InlineData(true, 3)]
    [InlineData(false, 20_000)]
    [InlineData(true, 20_000)]
    public void Validate_DuplicateAfterManyDistinctNames_IsRejectedAsBefore(bool inData, int count)
    {
        string members = DistinctMembers(count, width: 5);
        string json = WithMembers(members + ",\"baaaa\":1", inData); // the second name again, last

        var ex = Assert.ThrowsAny<JsonException>(() => ValidateText(json));

        Assert.Equal($"duplicate property 'baaaa' at byte {json.LastIndexOf("\"baaaa\"", StringComparison.Ordinal)}", ex.Message);
    }

    [Fact]
    public void Validate_SameManyNamesAtTopLevelAndInData_AreNotDuplicates()
    {
        string members = DistinctMembers(20_000, width: 5);
        string json = "{" + members + "," + CarrierText()[1..].Replace("\"data\":{", "\"data\":{" + members + ",", StringComparison.Ordinal);

        var result = ValidateText(json);

        Assert.DoesNotContain(result.Errors, e => e.Reason.Contains("duplicate", StringComparison.Ordinal));
        Assert.Equal(["$"], result.Errors.Select(e => e.Field)); // only the size: every name is a valid extension name
    }

    /// <summary>Members <c>"name":0</c> with distinct names of <paramref name="width"/> letters, first <c>aaa…</c>, then <c>baa…</c>.</summary>
    private static string DistinctMembers(int count, int width)
    {
        const string Letters = "abcdefghijklmnopqrstuvwxyz0123456789";
        var text = new StringBuilder(count * (width + 5));
        for (int i = 0; i < count; i++)
        {
            text.Append(i == 0 ? "\"" : ",\"");
            for (int n = i, c = 0; c < width; c++, n /= Letters.Length)
            {
                text.Append(Letters[n % Letters.Length]);
            }

            text.Append("\":0");
        }

        return text.ToString();
    }

    private static string WithMembers(string members, bool inData) => inData
        ? CarrierText().Replace("\"data\":{", "\"data\":{" + members + ",", StringComparison.Ordinal)
        : "{" + members + "," + CarrierText()[1..];

    [Theory]
    [InlineData("{\"\\ud800\":1,")]
    [InlineData("{\"\\udc00x\":1,")]
    [InlineData("{\"ext\":{\"\\ud800\":1},")]
    public void Validate_PropertyNameIsALoneSurrogate_IsInvalidJsonNotACrash(string prefix)
    {
        string json = prefix + CarrierText()[1..];

        Assert.ThrowsAny<JsonException>(() => ValidateText(json));
        Assert.ThrowsAny<JsonException>(() => JsonText.ParseStrict(json).Dispose());
    }

    [Theory]
    [InlineData(" x")]
    [InlineData(" {}")]
    [InlineData(",")]
    public void Validate_ContentAfterTheEvent_IsInvalidJson(string trailer)
    {
        Assert.ThrowsAny<JsonException>(() => ValidateText(CarrierText() + trailer));
    }

    [Fact]
    public void Validate_NestingDeeperThan64_IsInvalidJson()
    {
        string deep = new string('[', 64) + new string(']', 64);
        string json = "{\"ext\":" + deep + "," + CarrierText()[1..];

        Assert.ThrowsAny<JsonException>(() => ValidateText(json));
    }

    [Fact]
    public void Validate_ExtensionsOfEveryCloudEventsTypeAndDataMembersOfEveryShape_AreAccepted()
    {
        string json = "{\"ext\":\"x\",\"n\":-2147483648,\"flag\":true,\"unset\":null," + CarrierText()[1..]
            .Replace("\"data\":{", "\"data\":{\"vendor\":{\"x\":[1,{\"b\":null}]},\"ratio\":1.5e3,", StringComparison.Ordinal);

        var result = ValidateText(json);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    [Fact]
    public void Validate_ExtensionsThatAreNotCloudEventsTypes_AreRejectedNamingEach()
    {
        string json = "{\"ext\":{\"a\":[1,{\"b\":null}]},\"n\":1.5e3,\"list\":[]," + CarrierText()[1..];

        var result = ValidateText(json);

        Assert.Equal(["ext", "list", "n"], result.Errors.Select(e => e.Field));
    }

    [Fact]
    public void Validate_EscapedNamesAndValues_ReadAsTheirText()
    {
        string plain = CarrierText();
        string escaped = plain
            .Replace("\"id\":", "\"\\u0069d\":", StringComparison.Ordinal)
            .Replace("\"sessionId\":\"sess-000123\"", "\"sessionId\":\"sess\\u002d000123\"", StringComparison.Ordinal)
            .Replace("\"radioAccessTechnology\":", "\"radio\\u0041ccessTechnology\":", StringComparison.Ordinal)
            .Replace("\"wlan\"", "\"\\u0077lan\"", StringComparison.Ordinal)
            .Replace("\"time\":\"2026-10-20T10:15:00Z\"", "\"time\":\"2026-10-20T10:15:00\\u005a\"", StringComparison.Ordinal);

        var a = ValidateText(plain).Fact!;
        var b = ValidateText(escaped).Fact;

        Assert.NotNull(b);
        Assert.Equal(a, b); // every field, the content hash included
    }

    [Fact]
    public void Validate_FieldsInAnyOrder_ReportTheSameErrorsInTheSameOrder()
    {
        var evt = UsageEventValidatorTests.Mutate(UsageEventValidatorTests.Mutate(UsageEventValidatorTests.Mutate(Carrier(), "data.radioAccessTechnology=lte"), "id="), "time=yesterday");
        string forward = evt.ToJsonString();
        var reversed = new System.Text.Json.Nodes.JsonObject();
        foreach (var (key, value) in evt.AsEnumerable().Reverse().ToList())
        {
            evt.Remove(key);
            reversed[key] = value;
        }

        var first = ValidateText(forward).Errors;
        var second = ValidateText(reversed.ToJsonString()).Errors;

        Assert.Equal(["id", "time", "data.radioAccessTechnology"], first.Select(e => e.Field));
        Assert.Equal(first, second);
    }

    [Fact]
    public void Validate_RawInvalidUtf8InAField_IsAFieldError()
    {
        byte[] json = Encoding.UTF8.GetBytes(CarrierText());
        int at = Encoding.UTF8.GetString(json).IndexOf("sess-000123\",\"time", StringComparison.Ordinal);
        json[at] = 0xC3; // a lead byte followed by ASCII: not UTF-8

        var result = Validator().Validate(json, new ValidationContext(Now, "carrier-tmo"));

        Assert.Contains(result.Errors, e => e.Field == "id" && e.Reason.Contains("Unicode", StringComparison.Ordinal));
        Assert.Null(result.Fact);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"event\"")]
    [InlineData("null")]
    public void Validate_WellFormedButNotAnObject_IsTheOnlyError(string json)
    {
        var result = ValidateText(json);

        Assert.Equal([new ValidationError("$", "an event must be a JSON object")], result.Errors);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("[1,")]
    [InlineData("[{\"a\":1,\"a\":2}]")]
    public void Validate_NotAnObjectAndNotWellFormed_IsInvalidJson(string json)
    {
        Assert.ThrowsAny<JsonException>(() => ValidateText(json));
    }

    [Fact]
    public void Validate_SourceOfAnInvalidEvent_IsReportedForTheQuarantine()
    {
        var evt = Carrier();
        evt["source"] = "carrier-ghost";

        var result = Validator().Validate(Encoding.UTF8.GetBytes(evt.ToJsonString()), new ValidationContext(Now, null));

        Assert.Equal("carrier-ghost", result.Source);
        Assert.Equal("sess-000123", result.Id);
        Assert.False(result.IsValid);
    }
}

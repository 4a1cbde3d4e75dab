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

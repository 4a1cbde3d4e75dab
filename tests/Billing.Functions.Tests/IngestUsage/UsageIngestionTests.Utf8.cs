namespace Billing.Functions.Tests.IngestUsage;

/// <summary>Bodies that are not UTF-8: refused as the body (400, field <c>$</c>) when read as JSON, for their format (415) otherwise.</summary>
public partial class UsageIngestionTests
{
    /// <summary>The UTF-8 of <paramref name="json"/> with the first "sess-1"'s digit replaced by a byte no UTF-8 text holds.</summary>
    private static byte[] NotUtf8(JsonNode json)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(json.ToJsonString());
        int at = json.ToJsonString().IndexOf("sess-1", StringComparison.Ordinal) + "sess-".Length;
        bytes[at] = 0xFF;
        return bytes;
    }

    [Theory]
    [InlineData("application/cloudevents+json", false)]
    [InlineData("application/cloudevents-batch+json", true)]
    [InlineData("application/json", false)]
    [InlineData("application/json", true)]
    public void Ingest_JsonBodyNotUtf8_Is400NamingTheBodyAndTheByte(string contentType, bool batch)
    {
        JsonNode json = batch ? new JsonArray(Event()) : Event();
        byte[] body = NotUtf8(json);
        int at = Array.IndexOf(body, (byte)0xFF);

        var outcome = Post(contentType, body);

        // Read leniently, the id would have become "sess-\uFFFD" and been accepted as an event nobody sent.
        Assert.Equal(400, outcome.Status);
        Assert.Equal(["$"], Fields(outcome));
        Assert.Contains($"byte {at} is not", Answer(outcome)["errors"]![0]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, outcome.Accepted);
    }

    [Fact]
    public void Ingest_BinaryModeDataNotUtf8_Is400NamingTheBody()
    {
        var data = Data();
        data["note"] = "sess-1";

        var outcome = Ingestion().Ingest(Carrier, BinaryHeaders(), NotUtf8(data));

        Assert.Equal(400, outcome.Status);
        Assert.Equal(["$"], Fields(outcome));
    }

    [Theory]
    [InlineData("application/cloudevents+json", false)]
    [InlineData("application/cloudevents-batch+json", true)]
    [InlineData("application/json", false)]
    [InlineData(null, false)] // binary mode: the body is the data
    public void Ingest_BodyStartingWithAByteOrderMark_IsReadWithoutIt(string? contentType, bool batch)
    {
        // What .NET's Encoding.UTF8 and Windows tools write, and what the API's other JSON bodies already accept (their
        // reader skips it); RFC 8259 §8.1 lets a parser ignore it. It was 400 "'0xEF' is an invalid start of a value".
        JsonNode json = contentType is null ? Data() : batch ? new JsonArray(Event()) : Event();
        byte[] text = Encoding.UTF8.GetBytes(json.ToJsonString());
        HttpAnswer Send(byte[] body) => contentType is null ? Ingestion().Ingest(Carrier, BinaryHeaders(), body) : Post(contentType, body);

        var withBom = Send([0xEF, 0xBB, 0xBF, .. text]);

        Assert.Equal(202, withBom.Status);
        Assert.Equal(Send(text).CarrierEvents, withBom.CarrierEvents); // the event published is the one without the mark
    }

    [Theory]
    [InlineData("application/cloudevents+protobuf")]
    [InlineData("text/plain")]
    public void Ingest_FormatNotReadWithBytesNotUtf8_Is415NamingContentType(string contentType)
    {
        // The format is refused before the bytes are read as text: a protobuf event need not be text at all.
        var outcome = Post(contentType, [0x0A, 0x05, 0x31, 0x2E, 0x30, 0xFF, 0x80, 0x12, 0x01, 0x00]);

        Assert.Equal(415, outcome.Status);
        Assert.Equal(["Content-Type"], Fields(outcome));
    }

    /// <summary>
    /// The UTF-8 of <see cref="Event"/> (or its data alone) with a note "café" written unescaped: its bytes C3 A9 read as
    /// ISO-8859-1 are "Ã©", another event.
    /// </summary>
    private static byte[] WithNonAsciiText(bool dataOnly = false)
    {
        var json = Event();
        json["data"]!["note"] = "caf\u00e9";
        var unescaped = new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        return Encoding.UTF8.GetBytes((dataOnly ? json["data"]! : json).ToJsonString(unescaped));
    }

    [Theory]
    [InlineData("application/cloudevents+json; charset=iso-8859-1")]
    [InlineData("application/cloudevents+json; charset=\"windows-1252\"")]
    [InlineData("application/json;charset=utf-16")]
    [InlineData(null)] // binary mode: the Content-Type is the data's
    public void Ingest_NonAsciiBodyDeclaredInAnotherCharset_Is415NamingContentType(string? contentType)
    {
        // Before: read as UTF-8 whatever the charset said, so a sender meaning ISO-8859-1 had "Ã©" metered as its "é" (or the
        // other way round), and nothing told it. Now the charset it declared is refused where it changes what the bytes say.
        byte[] body = WithNonAsciiText(dataOnly: contentType is null);
        Assert.Contains((byte)0xC3, body);
        var outcome = contentType is null ? Ingestion().Ingest(Carrier, BinaryHeaders("application/json; charset=ISO-8859-1"), body) : Post(contentType, body);

        Assert.Equal(415, outcome.Status);
        Assert.Equal(["Content-Type"], Fields(outcome));
        Assert.Contains("UTF-8", Answer(outcome)["errors"]![0]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, outcome.Accepted);
    }

    [Theory]
    [InlineData("application/cloudevents+json; charset=iso-8859-1", false)] // ASCII reads the same in it: accepted as before
    [InlineData("application/cloudevents+json; charset=us-ascii", false)]
    [InlineData("application/cloudevents+json; charset=\"UTF-8\"", true)]
    [InlineData("application/cloudevents+json; Charset=utf8", true)]
    [InlineData("application/cloudevents+json; format=x; charset=utf-8", true)]
    public void Ingest_BodyItsCharsetReadsAlike_IsAccepted(string contentType, bool nonAscii)
    {
        var outcome = Post(contentType, nonAscii ? WithNonAsciiText() : Encoding.UTF8.GetBytes(Event().ToJsonString()));

        Assert.Equal(202, outcome.Status);
        Assert.Equal(1, outcome.Accepted);
    }

    [Theory]
    [InlineData("application/json; charset=utf-16", false)] // ASCII bytes are no UTF-16 text: was 400 "not valid JSON"
    [InlineData("application/cloudevents+json; charset=UTF-32LE", false)]
    [InlineData("application/cloudevents+json; charset=iso-8859-1; charset=utf-8", true)] // a later utf-8 undid the first
    public void Ingest_BodyDeclaredWideOrTwoCharsets_Is415NamingContentType(string contentType, bool nonAscii)
    {
        var outcome = Post(contentType, nonAscii ? WithNonAsciiText() : Encoding.UTF8.GetBytes(Event().ToJsonString()));

        Assert.Equal(415, outcome.Status);
        Assert.Equal(["Content-Type"], Fields(outcome));
    }
}


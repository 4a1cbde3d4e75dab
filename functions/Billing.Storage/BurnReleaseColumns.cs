using System.Text.Encodings.Web;
using System.Text.Json.Serialization;
using Billing.Domain.Burns;

namespace Billing.Storage;

/// <summary>
/// How a burn row keeps finance's releases (<see cref="BurnIntent.Releases"/>): column <see cref="Property"/>, a JSON array of
/// <c>{"by","at","amountMinor","keptMinor","note"}</c>, oldest first; and the standing (last) one again in <c>ReleasedBy</c>,
/// <c>ReleasedAt</c>, <c>ReleaseNote</c>, the columns rows had before releases were kept, which are read when there is no array.
/// </summary>
internal static class BurnReleaseColumns
{
    public const string Property = "Releases";

    /// <summary>
    /// Table Storage keeps at most 64 KiB (32 K UTF-16 characters) in a string property. JSON writes some characters of a note
    /// (emoji, format characters) as six, so twenty notes of 500 can exceed it: the releaser asks <see cref="Fits"/> before it
    /// releases, and this is the last guard, so a write never fails at the service.
    /// </summary>
    private const int MaxChars = 32 * 1024;

    // Notes are finance's own words in any script: escaping them all as \uXXXX would take six times the room.
    private static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(TableEntity row, IReadOnlyList<BurnRelease> releases)
    {
        var standing = releases.Count == 0 ? null : releases[^1];
        row[Property] = releases.Count == 0 ? null : Text(releases);
        row["ReleasedBy"] = standing?.By;
        row["ReleasedAt"] = standing?.At;
        row["ReleaseNote"] = standing?.Note;
    }

    /// <summary>The row's releases; an array that is not what <see cref="Write"/> writes makes the row unreadable, naming the column.</summary>
    public static IReadOnlyList<BurnRelease> Read(RowValues v, long usdMinor)
    {
        if (v.Text(Property) is not { } text)
        {
            // Released before every release was kept: the one that stands, for what the burn converts.
            return v.Text("ReleasedBy") is { } by && v.Time("ReleasedAt") is { } at ? [new BurnRelease(by, at, usdMinor, null, v.Text("ReleaseNote") ?? "")] : [];
        }

        List<Entry>? entries;
        try
        {
            entries = JsonSerializer.Deserialize<List<Entry>>(text, Options);
        }
        catch (JsonException ex)
        {
            throw v.Unreadable(Property, "not a JSON array of releases", ex);
        }

        if (entries is not { Count: > 0 } || entries.Any(e => e is null || string.IsNullOrEmpty(e.By) || e.At is null || e.AmountMinor is null || e.Note is null))
        {
            throw v.Unreadable(Property, "a release lacks its by, at, amountMinor or note");
        }

        if (entries.Any(e => e.AmountMinor < 0 || e.KeptMinor < 0))
        {
            throw v.Unreadable(Property, "a release holds a negative amount");
        }

        return [.. entries.Select(e => new BurnRelease(e.By!, e.At!.Value, e.AmountMinor!.Value, e.KeptMinor, e.Note!))];
    }

    /// <summary>Whether one row keeps <paramref name="releases"/>.</summary>
    public static bool Fits(IReadOnlyList<BurnRelease> releases) => Serialize(releases).Length <= MaxChars;

    private static string Serialize(IReadOnlyList<BurnRelease> releases) =>
        JsonSerializer.Serialize(releases.Select(r => new Entry(r.By, r.At, r.AmountMinor, r.KeptMinor, r.Note)).ToList(), Options);

    private static string Text(IReadOnlyList<BurnRelease> releases)
    {
        string text = Serialize(releases);
        return text.Length <= MaxChars
            ? text
            : throw new ArgumentException($"{releases.Count} releases take {text.Length} characters, more than a table property holds ({MaxChars})", nameof(releases));
    }

    private sealed record Entry(
        [property: JsonPropertyName("by")] string? By,
        [property: JsonPropertyName("at")] DateTimeOffset? At,
        [property: JsonPropertyName("amountMinor")] long? AmountMinor,
        [property: JsonPropertyName("keptMinor")] long? KeptMinor,
        [property: JsonPropertyName("note")] string? Note);
}

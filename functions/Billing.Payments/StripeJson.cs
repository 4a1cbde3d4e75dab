using Billing.Domain.Payments;

namespace Billing.Payments;

/// <summary>
/// Reads fields of a verified Stripe event's JSON without trusting their types, for the events read from the JSON rather
/// than Stripe.net's model (credit notes, refunds, invoice payments): what cannot be read is null, or a problem the caller records.
/// </summary>
internal static class StripeJson
{
    /// <summary>Longer than any id Stripe makes (its ids are at most 255 characters); a longer one is read as not named, so it never reaches a table key.</summary>
    public const int MaxIdChars = 255;

    /// <summary>
    /// Whether <paramref name="text"/> can be a Stripe id (<c>evt_…</c>, <c>ch_…</c>, <c>in_…</c>): 1 to <see cref="MaxIdChars"/>
    /// letters, digits, <c>_</c> or <c>-</c>. Ids become table keys as they are, so one of other characters (which a key
    /// escapes, up to six times as long) could make a key storage refuses: the write would fail on every retry.
    /// </summary>
    public static bool IsId(string? text) => text is { Length: > 0 and <= MaxIdChars } && text.AsSpan().IndexOfAnyExcept(IdChars) < 0;

    private static readonly System.Buffers.SearchValues<char> IdChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");

    /// <summary>
    /// An integer of minor units, at most <see cref="StripeAmounts.MaxMinor"/> (stored beyond it, its row would be read as
    /// changed outside the platform); null when absent or null. Anything else is a problem (added to
    /// <paramref name="problems"/>, when given): beyond the bound, "is more than any <paramref name="largest"/>".
    /// </summary>
    public static long? Amount(JsonElement obj, string name, List<string>? problems, string largest)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long amount) && amount >= 0)
        {
            if (amount <= StripeAmounts.MaxMinor)
            {
                return amount;
            }

            problems?.Add($"{name} {amount} is more than any {largest}");
            return null;
        }

        problems?.Add($"{name} {Excerpt(value)} is not a non-negative integer of minor units");
        return null;
    }

    /// <summary><see cref="Amount"/> of a field the event must carry: absent or null is a problem too (<c>{name} is missing</c>).</summary>
    public static long? RequiredAmount(JsonElement obj, string name, List<string> problems, string largest)
    {
        int before = problems.Count;
        long? amount = Amount(obj, name, problems, largest);
        if (amount is null && problems.Count == before)
        {
            problems.Add($"{name} is missing");
        }

        return amount;
    }

    /// <summary><paramref name="value"/>'s JSON as a problem quotes it: at most 40 characters, then "…".</summary>
    public static string Excerpt(JsonElement value)
    {
        string raw = value.GetRawText();
        return raw.Length > 40 ? raw[..40] + "…" : raw;
    }

    /// <summary>A Unix time in seconds; null when absent or out of range.</summary>
    public static DateTimeOffset? Time(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number
        && v.TryGetInt64(out long unix) && unix is >= 0 and < 253402300800
            ? DateTimeOffset.FromUnixTimeSeconds(unix)
            : null;

    /// <summary>When Stripe created the event (its <c>created</c>); the Unix epoch when it does not say.</summary>
    public static DateTimeOffset Created(JsonElement root) => Time(root, "created") ?? DateTimeOffset.UnixEpoch;

    /// <summary>
    /// The string <paramref name="name"/>; null when absent, not a string, or not Unicode text (a JSON escape of a lone
    /// surrogate, such as <c>"\ud800"</c>, on which <see cref="JsonElement.GetString"/> throws): what cannot be read is not named.
    /// </summary>
    public static string? Text(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
        && Billing.Domain.Events.JsonText.TryGetString(v, out string? text)
            ? text
            : null;

    /// <summary>The id a field names: unexpanded it is the id, expanded the object with its <c>id</c>.</summary>
    public static string? Id(JsonElement obj, string name) =>
        (Text(obj, name) ?? (obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var expanded) ? Text(expanded, "id") : null)) is var id && IsId(id)
            ? id
            : null;

    /// <summary>The event's <c>data.object</c> when the event is an object whose <c>data</c> holds one.</summary>
    public static bool TryGetDataObject(JsonElement root, out JsonElement obj)
    {
        obj = default;
        return root.ValueKind == JsonValueKind.Object
            && root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
            && data.TryGetProperty("object", out obj) && obj.ValueKind == JsonValueKind.Object;
    }

    /// <summary>The event's <c>data.object</c> when it is an object of type <paramref name="type"/> with an id.</summary>
    public static bool TryGetObject(JsonElement root, string type, out JsonElement obj, out string id)
    {
        id = "";
        if (!TryGetDataObject(root, out obj) || Text(obj, "object") != type || Text(obj, "id") is not { } found || !IsId(found))
        {
            return false;
        }

        id = found;
        return true;
    }
}

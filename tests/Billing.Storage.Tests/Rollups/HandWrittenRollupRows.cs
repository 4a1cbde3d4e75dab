using System.Globalization;
using System.Text;

namespace Billing.Storage.Tests.Rollups;

/// <summary>
/// Rollup rows written without the codec under test (docs/design.md §6): as the codec wrote them until 2026-12, which
/// users' storage still holds, and in the slot layout with another number of slots than the codec's.
/// </summary>
internal static class HandWrittenRollupRows
{
    /// <summary>
    /// The earlier layout: the bucket's groups (<c>meter|source|value…=sum</c>) sorted into one text, <c>;</c> between
    /// them, cut into text properties <c>S0</c>, <c>S1</c>, … of 30,000 characters wherever the cut falls (ASCII
    /// test data: no surrogate pair to keep together), beside <c>Start</c>, <c>Detail</c>, <c>Groups</c> and a month's <c>Totals</c>.
    /// </summary>
    public static TableEntity EarlierLayout(string partitionKey, RollupBucket bucket)
    {
        var row = WithoutGroups(partitionKey, bucket);
        string text = string.Join(';', bucket.Sums.Select(kv => Group(kv.Key, kv.Value)).Order(StringComparer.Ordinal));
        for (int i = 0; i * 30_000 < text.Length; i++)
        {
            row["S" + i.ToString(CultureInfo.InvariantCulture)] = text.Substring(i * 30_000, Math.Min(30_000, text.Length - (i * 30_000)));
        }

        return row;
    }

    /// <summary>The slot layout with <paramref name="count"/> slots: the count in <c>S0</c>, each group in <c>G{XxHash32(source|value…) mod count}</c>.</summary>
    public static TableEntity Slots(string partitionKey, RollupBucket bucket, int count)
    {
        var row = WithoutGroups(partitionKey, bucket);
        row["S0"] = count;
        foreach (var slot in bucket.Sums.GroupBy(kv => Slot(kv.Key, count)))
        {
            row["G" + slot.Key.ToString(CultureInfo.InvariantCulture)] = string.Join(';', slot.Select(kv => Group(kv.Key, kv.Value)).Order(StringComparer.Ordinal));
        }

        return row;
    }

    /// <summary>The slot of a group among <paramref name="count"/>, computed here from the layout's definition.</summary>
    public static int Slot(RollupKey key, int count) =>
        (int)(System.IO.Hashing.XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(string.Join('|', key.Values.Prepend(key.Source).Select(Escape)))) % (uint)count);

    /// <summary>True for a slot's property name (<c>G0</c>…, not <c>Groups</c>).</summary>
    public static bool IsSlot(string name) => name.Length > 1 && name[0] == 'G' && char.IsAsciiDigit(name[1]);

    /// <summary>The properties of a row that hold groups, in either layout (slots <c>G…</c>; text chunks <c>S…</c>, or <c>S0</c> the number of slots).</summary>
    public static List<string> GroupProperties(TableEntity row) =>
        [.. row.Keys.Where(k => k.Length > 1 && k[0] is 'G' or 'S' && char.IsAsciiDigit(k[1])).Order(StringComparer.Ordinal)];

    public static string Group(RollupKey key, Int128 sum) =>
        string.Join('|', new[] { key.Meter, key.Source }.Concat(key.Values).Select(Escape)) + "=" + sum.ToString(CultureInfo.InvariantCulture);

    private static TableEntity WithoutGroups(string partitionKey, RollupBucket bucket)
    {
        var row = RollupCodec.ToEntity(partitionKey, bucket); // within its capacity (coarser, or overflow) as every codec brought it
        foreach (var name in GroupProperties(row))
        {
            row.Remove(name);
        }

        return row;
    }

    private static string Escape(string value) => value.Replace("%", "%25", StringComparison.Ordinal).Replace("|", "%7C", StringComparison.Ordinal)
        .Replace(";", "%3B", StringComparison.Ordinal).Replace("=", "%3D", StringComparison.Ordinal);
}

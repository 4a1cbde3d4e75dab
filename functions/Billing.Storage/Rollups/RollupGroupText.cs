namespace Billing.Storage.Rollups;

/// <summary>
/// The text of a rollup row's groups (docs/design.md §6): one group is <c>meter|source|value…=quantity</c>, groups are
/// sorted and joined by <c>;</c>, and <c>% | ; =</c> are percent-escaped, so any text round-trips through
/// <c>Uri.UnescapeDataString</c>. Both row layouts (<see cref="RollupSlots"/>) hold groups in this text.
/// </summary>
internal static class RollupGroupText
{
    /// <summary>The bucket's groups, each with its text, in the order they are written (ordinal by text).</summary>
    public static List<(RollupKey Key, string Text)> Of(RollupBucket bucket)
    {
        var groups = new List<(RollupKey Key, string Text)>(bucket.Count);
        var sb = new StringBuilder();
        foreach (var (key, quantity) in bucket.Sums)
        {
            sb.Clear();
            Escape(sb, key.Meter).Append('|');
            AppendPlace(sb, key);
            groups.Add((key, sb.Append('=').Append(quantity.ToString(CultureInfo.InvariantCulture)).ToString()));
        }

        groups.Sort((a, b) => string.CompareOrdinal(a.Text, b.Text));
        return groups;
    }

    /// <summary>Characters of the groups joined by <c>;</c>: what a row's capacity counts, whatever its layout.</summary>
    public static int Length(List<(RollupKey Key, string Text)> groups) => groups.Sum(g => g.Text.Length) + Math.Max(0, groups.Count - 1);

    public static string Join(IEnumerable<(RollupKey Key, string Text)> groups) => string.Join(';', groups.Select(g => g.Text));

    /// <summary><c>source|value…</c>, escaped: where a group is, without its meter (what a group's slot is a hash of).</summary>
    public static StringBuilder AppendPlace(StringBuilder sb, RollupKey key)
    {
        Escape(sb, key.Source);
        foreach (var v in key.Values)
        {
            Escape(sb.Append('|'), v);
        }

        return sb;
    }

    public static IEnumerable<(RollupKey Key, Int128 Quantity)> Decode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            yield break;
        }

        foreach (var entry in text.Split(';'))
        {
            int eq = entry.LastIndexOf('=');
            var fields = (eq < 0 ? entry : entry[..eq]).Split('|');
            if (eq < 0 || fields.Length < 2 || !Int128.TryParse(entry.AsSpan(eq + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var quantity))
            {
                throw new InvalidDataException($"malformed rollup group '{entry}'");
            }

            var values = fields.Skip(2).Select(Uri.UnescapeDataString).ToArray();
            yield return (new RollupKey(Uri.UnescapeDataString(fields[0]), Uri.UnescapeDataString(fields[1]), values), quantity);
        }
    }

    /// <summary>Percent-escapes the separators (and <c>%</c>), so any text round-trips through <c>Uri.UnescapeDataString</c>.</summary>
    public static StringBuilder Escape(StringBuilder sb, string value)
    {
        foreach (char c in value)
        {
            _ = c switch
            {
                '%' => sb.Append("%25"),
                '|' => sb.Append("%7C"),
                ';' => sb.Append("%3B"),
                '=' => sb.Append("%3D"),
                _ => sb.Append(c),
            };
        }

        return sb;
    }
}

using System.IO.Hashing;

namespace Billing.Storage.Rollups;

/// <summary>
/// How a rollup row spreads its groups over properties since 2026-12 (docs/design.md §6): each group goes to one of
/// <see cref="Count"/> slots by a stable hash of its source and dimension values (<see cref="Of"/>; not of its meter, so
/// the groups one fact adds to share a slot), slot <c>i</c>'s groups in property <c>G{i}</c> (absent when empty) and
/// the number of slots in <c>S0</c>, a number. Adding to a group changes its slot's property only, so an update merges
/// the slots whose groups changed (<see cref="Changes"/>) instead of the whole text, whose chunks (text in <c>S0</c>,
/// <c>S1</c>, … in the earlier layout, which rows written before still have) all shift when one group is added.
/// <para>Why the count is in <c>S0</c>: a version of the platform that knows only the earlier layout (one still running
/// while a deployment rolls out, or after a rollback) finds a first text chunk that is not text, so it reads the row as
/// unreadable (overflow: its readers use the facts, its writers give the sums up) instead of as a row without groups,
/// which it would count from zero and write back, dropping what the row held.</para>
/// </summary>
internal static class RollupSlots
{
    /// <summary>
    /// Slots a row is written with: a transaction adding to about 40 places of a row touches about a fifth of them. A row
    /// has room for 252 properties; with the keys, the timestamp, <c>Start</c>, <c>Detail</c>, <c>Groups</c>, <c>S0</c>
    /// and <c>Totals</c>, 244 slots at most, which is what <see cref="Read"/> accepts.
    /// </summary>
    public const int Count = 200;

    private const int MaxCount = 244;

    public const string CountName = "S0";

    public static string Name(int slot) => "G" + slot.ToString(CultureInfo.InvariantCulture);

    /// <summary>The slot of a group among <paramref name="count"/>: XxHash32 of UTF-8 <c>source|value…</c> as the row writes it (escaped).</summary>
    public static int Of(RollupKey key, int count)
    {
        var place = RollupGroupText.AppendPlace(new StringBuilder(), key).ToString();
        return (int)(XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(place)) % (uint)count);
    }

    /// <summary>True when a stored row is in this layout: its <c>S0</c> is no text (in the earlier layout it is the first chunk).</summary>
    public static bool Holds(TableEntity entity) => entity.TryGetValue(CountName, out var value) && value is not string;

    /// <summary>The number of slots of a stored row, or 0 when it is not in this layout (or says a number it cannot have).</summary>
    public static int CountOf(TableEntity entity) =>
        entity.TryGetValue(CountName, out var value) && value is int count && count is > 0 and <= MaxCount ? count : 0;

    /// <summary>
    /// The text of each slot (null when empty) of <paramref name="groups"/>, kept in their order; null when a slot would
    /// pass <paramref name="maxChars"/>, which only keys chosen to collide make possible in a row within its capacity:
    /// that row is written in the earlier layout.
    /// </summary>
    public static string?[]? Split(List<(RollupKey Key, string Text)> groups, int maxChars)
    {
        var slots = new StringBuilder?[Count];
        foreach (var (key, text) in groups)
        {
            var sb = slots[Of(key, Count)] ??= new StringBuilder();
            if (sb.Length + 1 + text.Length > maxChars)
            {
                return null;
            }

            (sb.Length == 0 ? sb : sb.Append(';')).Append(text);
        }

        return [.. slots.Select(s => s?.ToString())];
    }

    /// <summary>
    /// Adds the groups of a row in this layout to <paramref name="bucket"/>. What a later write leaves untouched must be
    /// what the bucket holds, so a row that could make it count a group twice is unreadable
    /// (<see cref="InvalidDataException"/>): a group in a slot that is not its own (the writer would add its next sum to
    /// its own slot and leave the other), a group twice, or a fine group in a coarse row (read, it would be folded into
    /// a coarse group that lives in another slot).
    /// </summary>
    public static void Read(TableEntity entity, RollupBucket bucket)
    {
        int count = CountOf(entity);
        if (count == 0)
        {
            throw new InvalidDataException($"the rollup row's {CountName} is no number of slots");
        }

        int groups = 0;
        for (int slot = 0; slot < count; slot++)
        {
            string name = Name(slot);
            if (EntityText.Of(entity, name) is not { } text)
            {
                if (entity.ContainsKey(name))
                {
                    throw new InvalidDataException($"rollup slot {name} is not text");
                }

                continue;
            }

            foreach (var (key, quantity) in RollupGroupText.Decode(text))
            {
                if (Of(key, count) != slot)
                {
                    throw new InvalidDataException($"rollup slot {name} holds a group of slot {Of(key, count)}");
                }

                if (bucket.Detail == RollupDetail.Coarse && !key.Equals(key.Coarse()))
                {
                    throw new InvalidDataException($"rollup slot {name} holds a fine group in a coarse row");
                }

                bucket.Add(key, quantity);
                groups++;
            }
        }

        if (bucket.Detail != RollupDetail.Overflow && bucket.Count != groups)
        {
            throw new InvalidDataException("a rollup row holds a group twice");
        }
    }

    /// <summary>
    /// What a Merge over the stored row must carry to leave <paramref name="written"/> (the whole row of
    /// <paramref name="bucket"/>): the slots holding a group whose sum differs from <paramref name="stored"/>'s (the
    /// bucket the stored row holds, read with <see cref="Read"/> or just written) and the small properties but
    /// <c>Start</c> (the row key's) and <c>S0</c> (the same count), which never change; all of <paramref name="written"/> when the stored row has another
    /// layout (<paramref name="storedSlots"/>) or detail. For a Merge only, guarded by the stored row's ETag, whose
    /// every property <paramref name="written"/> sets: a slot left out then holds exactly what it would be written with.
    /// </summary>
    public static TableEntity Changes(TableEntity written, RollupBucket bucket, RollupBucket? stored, int storedSlots)
    {
        ArgumentNullException.ThrowIfNull(written);
        ArgumentNullException.ThrowIfNull(bucket);
        int count = CountOf(written);
        if (stored is null || count == 0 || count != storedSlots || stored.Detail != bucket.Detail || bucket.Detail == RollupDetail.Overflow)
        {
            return written;
        }

        var changed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, quantity) in bucket.Sums)
        {
            if (!stored.TryGetSum(key, out var before) || before != quantity)
            {
                changed.Add(Name(Of(key, count)));
            }
        }

        foreach (var (key, _) in stored.Sums.Where(kv => !bucket.TryGetSum(kv.Key, out _)))
        {
            changed.Add(Name(Of(key, count)));
        }

        var delta = new TableEntity(written.PartitionKey, written.RowKey);
        foreach (var (name, value) in written)
        {
            bool slot = name.Length > 1 && name[0] == 'G' && char.IsAsciiDigit(name[1]);
            if (slot ? changed.Contains(name) : name is not ("PartitionKey" or "RowKey" or "Start" or CountName or "odata.etag" or "Timestamp"))
            {
                delta[name] = value;
            }
        }

        return delta;
    }
}

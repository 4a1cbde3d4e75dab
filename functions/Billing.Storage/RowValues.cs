namespace Billing.Storage;

/// <summary>
/// Reads the properties of a stored row strictly: a value of a type this platform never writes there (planted by someone
/// with write access to storage, a bug or a tool) is refused with an <see cref="InvalidDataException"/> naming the row,
/// the property, the type found and the type written, instead of the <see cref="InvalidOperationException"/> that
/// <see cref="TableEntity.GetInt64"/> and friends throw, which no caller can tell from a programming error. Readers that
/// list many rows catch it per row (<see cref="UnreadableRow"/>), so one such row never fails the others.
/// </summary>
internal readonly struct RowValues(TableEntity row, string kind)
{
    public TableEntity Row => row;

    /// <summary>The text of <paramref name="name"/>; null when absent, unless <paramref name="required"/>.</summary>
    public string? Text(string name, bool required = false) => (string?)Read<string>(name, "Edm.String", required);

    /// <summary>The 64-bit integer of <paramref name="name"/> (written as <c>Edm.Int64</c>); null when absent.</summary>
    public long? Int64(string name) => Read<long>(name, "Edm.Int64", required: false) is long value ? value : null;

    /// <summary>The 32-bit integer of <paramref name="name"/> (written as <c>Edm.Int32</c>); null when absent.</summary>
    public int? Int32(string name) => Read<int>(name, "Edm.Int32", required: false) is int value ? value : null;

    /// <summary>The flag <paramref name="name"/>; null when absent.</summary>
    public bool? Boolean(string name) => Read<bool>(name, "Edm.Boolean", required: false) is bool value ? value : null;

    /// <summary>The instant of <paramref name="name"/>; null when absent, unless <paramref name="required"/>.</summary>
    public DateTimeOffset? Time(string name, bool required = false) => Read<DateTimeOffset>(name, "Edm.DateTime", required) is DateTimeOffset value ? value : null;

    /// <summary>The value whose name the property holds (as written: <c>ToString()</c>); null when absent; another text is unreadable.</summary>
    public T? Named<T>(string name)
        where T : struct, Enum
    {
        if (Text(name) is not { } text)
        {
            return null;
        }

        foreach (var value in Enum.GetValues<T>())
        {
            if (value.ToString() == text)
            {
                return value;
            }
        }

        throw Unreadable(name, $"'{text}' is no {typeof(T).Name}");
    }

    /// <summary>The row key as <see cref="TableKey.Escape"/> wrote it, unescaped; a key it cannot have written is unreadable.</summary>
    public string Key() => TableKey.TryUnescape(row.RowKey, out string key) ? key : throw Unreadable("RowKey", "not a key this platform writes");

    /// <summary>The partition key as <see cref="TableKey.Escape"/> wrote it (an invoice id), unescaped; a key it cannot have written is unreadable.</summary>
    public string Partition() => TableKey.TryUnescape(row.PartitionKey, out string key) ? key : throw Unreadable("PartitionKey", "not a key this platform writes");

    /// <summary>What a report calls a row: its key unescaped, or as stored when it is no escaped key.</summary>
    public static string Id(TableEntity row) => TableKey.TryUnescape(row.RowKey, out string key) ? key : row.RowKey;

    /// <summary>What a report calls a row's partition (an invoice id): its key unescaped, or as stored when it is no escaped key.</summary>
    public static string PartitionId(TableEntity row) => TableKey.TryUnescape(row.PartitionKey, out string key) ? key : row.PartitionKey;

    /// <summary>The exception for a row this platform did not write: which row, which property, and why.</summary>
    public InvalidDataException Unreadable(string name, string reason, Exception? inner = null) => new(
        $"{kind} row (partition '{row.PartitionKey}', row '{row.RowKey}'), property '{name}': {reason}; the row was not written by this platform",
        inner);

    /// <summary>
    /// The value of <paramref name="name"/> when it is a <typeparamref name="T"/> (null when absent and not
    /// <paramref name="required"/>), else null with the <paramref name="problem"/>: what every strict reader of a row shares.
    /// </summary>
    public static object? Check<T>(TableEntity row, string name, string expected, bool required, out string? problem)
    {
        problem = null;
        if (!row.TryGetValue(name, out object? value) || value is null)
        {
            problem = required ? $"missing, {expected} expected" : null;
            return null;
        }

        if (value is T)
        {
            return value;
        }

        problem = $"{EdmTypes.NameOf(value)} found, {expected} expected";
        return null;
    }

    private object? Read<T>(string name, string expected, bool required)
    {
        object? value = Check<T>(row, name, expected, required, out string? problem);
        return problem is null ? value : throw Unreadable(name, problem);
    }
}

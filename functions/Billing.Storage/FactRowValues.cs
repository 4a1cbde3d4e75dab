namespace Billing.Storage;

/// <summary>
/// Reads the properties of a fact's time row strictly, unlike <see cref="EntityText"/>: a fact is money, so a value of
/// a type this platform never writes there (planted by someone with write access to storage) is not read as absent
/// but refused with an <see cref="InvalidDataException"/> naming the row and the property, which readers treat as one
/// payer's unreadable data (docs/design.md §6) instead of the <see cref="InvalidOperationException"/> of
/// <see cref="TableEntity.GetInt64"/> and friends.
/// </summary>
internal static class FactRowValues
{
    /// <summary>The text of <paramref name="name"/>; null when absent, unless <paramref name="required"/>.</summary>
    public static string? Text(TableEntity row, string name, bool required = false) => (string?)Read<string>(row, name, "Edm.String", required);

    /// <summary>The 64-bit integer of <paramref name="name"/> (the platform writes every count as <c>Edm.Int64</c>); null when absent.</summary>
    public static long? Int64(TableEntity row, string name) => Read<long>(row, name, "Edm.Int64", required: false) is long value ? value : null;

    /// <summary>The instant of <paramref name="name"/>, which the row must have.</summary>
    public static DateTimeOffset Time(TableEntity row, string name) => (DateTimeOffset)Read<DateTimeOffset>(row, name, "Edm.DateTime", required: true)!;

    /// <summary>The exception for a row this platform did not write: which row, which property, and why.</summary>
    public static InvalidDataException Unreadable(TableEntity row, string name, string reason, Exception? inner = null) => new(
        $"fact row (partition '{row.PartitionKey}', row '{row.RowKey}'), property '{name}': {reason}; the row was not written by this platform",
        inner);

    private static object? Read<T>(TableEntity row, string name, string expected, bool required)
    {
        if (!row.TryGetValue(name, out object? value) || value is null)
        {
            return required ? throw Unreadable(row, name, $"missing, {expected} expected") : null;
        }

        return value is T ? value : throw Unreadable(row, name, $"{EdmTypes.NameOf(value)} found, {expected} expected");
    }
}

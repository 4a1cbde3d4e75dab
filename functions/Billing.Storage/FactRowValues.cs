namespace Billing.Storage;

/// <summary>
/// Reads the properties of a fact's time row strictly (<see cref="RowValues"/>), unlike <see cref="EntityText"/>: a fact
/// is money, so a value of a type this platform never writes there is not read as absent but refused with an
/// <see cref="InvalidDataException"/> naming the row and the property, which readers treat as one payer's unreadable
/// data (docs/design.md §6).
/// </summary>
internal static class FactRowValues
{
    /// <summary>The text of <paramref name="name"/>; null when absent, unless <paramref name="required"/>.</summary>
    public static string? Text(TableEntity row, string name, bool required = false) => Of(row).Text(name, required);

    /// <summary>The 64-bit integer of <paramref name="name"/> (the platform writes every count as <c>Edm.Int64</c>); null when absent.</summary>
    public static long? Int64(TableEntity row, string name) => Of(row).Int64(name);

    /// <summary>The instant of <paramref name="name"/>, which the row must have.</summary>
    public static DateTimeOffset Time(TableEntity row, string name) => Of(row).Time(name, required: true)!.Value;

    /// <summary>The exception for a row this platform did not write: which row, which property, and why.</summary>
    public static InvalidDataException Unreadable(TableEntity row, string name, string reason, Exception? inner = null) => Of(row).Unreadable(name, reason, inner);

    private static RowValues Of(TableEntity row) => new(row, "fact");
}

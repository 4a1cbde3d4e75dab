namespace Billing.Storage.Ledger;

/// <summary>
/// Reads a ledger or anchor row strictly (like <c>FactRowValues</c> for facts): the ledger is money and its history, so a
/// value of a type the platform never writes there is not read as absent, nor left to the SDK's getters, which throw an
/// <see cref="InvalidOperationException"/> naming neither row nor property; it is an <see cref="UnreadableRowException"/>
/// naming both (an <see cref="InvalidDataException"/> once it leaves the store).
/// </summary>
internal readonly struct StrictRow(string table, TableEntity row)
{
    /// <summary>The text of <paramref name="name"/>; null when absent, unless <paramref name="required"/>.</summary>
    public string? Text(string name, bool required = false) => (string?)Read<string>(name, "Edm.String", required);

    /// <summary>The 64-bit integer of <paramref name="name"/>; null when absent, unless <paramref name="required"/>.</summary>
    public long? Int64(string name, bool required = false) => Read<long>(name, "Edm.Int64", required) is long value ? value : null;

    /// <summary>The instant of <paramref name="name"/>; null when absent, unless <paramref name="required"/>.</summary>
    public DateTimeOffset? Time(string name, bool required = false) => Read<DateTimeOffset>(name, "Edm.DateTime", required) is DateTimeOffset value ? value : null;

    /// <summary>The boolean of <paramref name="name"/>; null when absent, unless <paramref name="required"/>.</summary>
    public bool? Boolean(string name, bool required = false) => Read<bool>(name, "Edm.Boolean", required) is bool value ? value : null;

    /// <summary>The text of <paramref name="name"/> when it is text, else null (no exception): what of an unreadable row can still be shown.</summary>
    public string? TextOrNull(string name) => row.TryGetValue(name, out object? value) ? value as string : null;

    public UnreadableRowException Unreadable(string name, string reason, Exception? inner = null) =>
        new(new UnreadableLedgerRow(table, row.PartitionKey, row.RowKey, name, reason), inner);

    private object? Read<T>(string name, string expected, bool required)
    {
        object? value = RowValues.Check<T>(row, name, expected, required, out string? problem);
        return problem is null ? value : throw Unreadable(name, problem);
    }
}

namespace Billing.Storage.Ledger;

/// <summary>
/// What <see cref="StrictRow"/> throws inside this assembly, carrying the row for readers that list it apart; what leaves
/// the store is an <see cref="InvalidDataException"/> (<see cref="Refusal"/>), which callers already treat as
/// deterministic: the same on every try until someone repairs the row.
/// </summary>
internal sealed class UnreadableRowException(UnreadableLedgerRow row, Exception? innerException = null)
    : Exception(row.ToString(), innerException)
{
    public UnreadableLedgerRow Row { get; } = row;

    public InvalidDataException Refusal() => new("Ledger " + Row, this);

    /// <summary>Runs a strict read, turning an unreadable row into the <see cref="InvalidDataException"/> that leaves the store.</summary>
    public static T Refusing<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (UnreadableRowException e)
        {
            throw e.Refusal();
        }
    }
}

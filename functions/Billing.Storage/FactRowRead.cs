namespace Billing.Storage;

/// <summary>
/// One time row of a scan (<see cref="FactStore.ScanShardAsync"/>): its fact, or, for a row this platform did not write
/// (a value of the wrong type planted in storage), no fact and why it cannot be read, so a caller that must go on
/// (rollup verify) can report the row and read the rest.
/// </summary>
public sealed record FactRowRead(string RowKey, UsageFact? Fact, InvalidDataException? Unreadable);

namespace Billing.Storage.Rollups;

/// <summary>
/// A row inside a range of rollup row keys whose key is no bucket's (<see cref="RollupCodec.ParseRowKey"/>): planted or
/// damaged by someone with access to storage, since this platform writes rollup rows only under keys it computes. It
/// claims nothing; readers use the facts of the range it lies in, verify reports it, rebuild deletes it (under
/// <see cref="ETag"/>).
/// </summary>
public sealed record UnreadableRollupRow(string RowKey, ETag ETag, string Reason);

namespace Billing.Storage;

/// <summary>
/// Other writers kept changing a row between our read and our conditional write, every attempt: a transient condition
/// (retry the operation), never a reason to go on as if the write had happened.
/// </summary>
public sealed class RowContentionException(string row, int attempts)
    : InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{row} kept changing while it was being written ({attempts} attempts); retry"));

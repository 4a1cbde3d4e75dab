namespace Billing.Storage;

/// <summary>
/// A lease held in one table row (<c>Owner</c>, <c>ExpiresAt</c>), guarded by the row's ETag: the burn executor's per
/// treasury and the period close's. Expiry is compared with the caller's clock, so a crashed owner's lease lapses. A row
/// whose values are not of the types written here (planted) counts as expired: the work it guards is safe without it
/// (burns and closes are ETag-guarded row by row), and honouring it would stop that work until someone repaired it.
/// </summary>
internal static class TableLease
{
    /// <summary>Held by <paramref name="owner"/> until <paramref name="now"/> + <paramref name="duration"/> when acquired; not acquired while another live owner holds it.</summary>
    public static async Task<LeaseAcquisition> TryAcquireAsync(TableClient table, string partitionKey, string rowKey, string owner, TimeSpan duration,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var lease = new TableEntity(partitionKey, rowKey) { ["Owner"] = owner, ["ExpiresAt"] = now + duration };
        var row = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            if (!row.HasValue)
            {
                await table.AddEntityAsync(lease, cancellationToken).ConfigureAwait(false);
                return new(true);
            }

            var current = row.Value!;
            string? unreadable = null;
            try
            {
                var v = new RowValues(current, "lease");
                if (v.Text("Owner") != owner && v.Time("ExpiresAt") > now)
                {
                    return new(false);
                }
            }
            catch (InvalidDataException ex)
            {
                unreadable = ex.Message;
            }

            // Replaced only if unchanged since read: of two callers taking over the same lapsed (or unreadable) row, one wins.
            await table.UpdateEntityAsync(lease, current.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return new(true, unreadable);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // Another owner got there first, unless the write was a retry of this owner's own that had landed (its answer
            // lost): then the row names this owner, which alone writes that name (owners are unique per executor or close).
            var after = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new(after.HasValue && EntityText.Of(after.Value!, "Owner") == owner);
        }
    }

    /// <summary>Deletes the lease if <paramref name="owner"/> still holds it; a lease already taken over, gone or unreadable is left alone.</summary>
    public static async Task ReleaseAsync(TableClient table, string partitionKey, string rowKey, string owner, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (row.HasValue && EntityText.Of(row.Value!, "Owner") == owner)
        {
            try
            {
                await table.DeleteEntityAsync(row.Value!, row.Value!.ETag, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
            }
        }
    }
}

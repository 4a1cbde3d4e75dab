namespace Billing.Storage;

/// <summary>
/// A lease held in one table row (<c>Owner</c>, <c>ExpiresAt</c>), guarded by the row's ETag: the burn executor's per
/// treasury and the period close's. Expiry is compared with the caller's clock, so a crashed owner's lease lapses.
/// </summary>
internal static class TableLease
{
    /// <summary>True when <paramref name="owner"/> holds the lease until <paramref name="now"/> + <paramref name="duration"/>; false while another live owner holds it.</summary>
    public static async Task<bool> TryAcquireAsync(TableClient table, string partitionKey, string rowKey, string owner, TimeSpan duration,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var lease = new TableEntity(partitionKey, rowKey) { ["Owner"] = owner, ["ExpiresAt"] = now + duration };
        var row = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            if (!row.HasValue)
            {
                await table.AddEntityAsync(lease, cancellationToken).ConfigureAwait(false);
                return true;
            }

            var current = row.Value!;
            if (current.GetString("Owner") != owner && current.GetDateTimeOffset("ExpiresAt") > now)
            {
                return false;
            }

            await table.UpdateEntityAsync(lease, current.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return false; // another owner got there first
        }
    }

    /// <summary>Deletes the lease if <paramref name="owner"/> still holds it; a lease already taken over or gone is left alone.</summary>
    public static async Task ReleaseAsync(TableClient table, string partitionKey, string rowKey, string owner, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (row.HasValue && row.Value!.GetString("Owner") == owner)
        {
            try
            {
                await table.DeleteEntityAsync(row.Value, row.Value.ETag, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
            }
        }
    }
}

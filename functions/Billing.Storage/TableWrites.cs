namespace Billing.Storage;

/// <summary>The two guarded writes every store uses: insert unless the row exists, replace unless someone changed it.</summary>
internal static class TableWrites
{
    /// <summary>Inserts <paramref name="entity"/>; false when a row with its keys exists already (409).</summary>
    public static async Task<bool> TryAddAsync(this TableClient table, ITableEntity entity, CancellationToken cancellationToken)
    {
        try
        {
            await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Replaces the row if it still has <paramref name="etag"/>; its new ETag, or null when it changed meanwhile (412).</summary>
    public static async Task<ETag?> TryReplaceAsync(this TableClient table, ITableEntity entity, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            var response = await table.UpdateEntityAsync(entity, etag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return response.Headers.ETag;
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return null;
        }
    }
}

namespace Billing.Storage;

/// <summary>
/// The guarded writes the stores share: insert unless the row exists, replace unless someone changed it, and an event row
/// recorded together with the state it moved its partition to.
/// </summary>
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

    /// <summary>
    /// Inserts <paramref name="eventRow"/> (its keys are the dedup) and, in the same entity-group transaction, writes
    /// <paramref name="stateRow"/> (same partition) if it still has <paramref name="stateETag"/>, or adds it when that is
    /// null (no state row existed). Which action failed tells a replay (the event row) from a lost race on the state row.
    /// </summary>
    public static async Task<PaymentWrite> TryRecordWithStateAsync(
        this TableClient table, ITableEntity eventRow, ITableEntity? stateRow, ETag? stateETag, CancellationToken cancellationToken)
    {
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.Add, eventRow) };
        if (stateRow is not null)
        {
            actions.Add(stateETag is { } etag
                ? new(TableTransactionActionType.UpdateReplace, stateRow, etag)
                : new(TableTransactionActionType.Add, stateRow));
        }

        try
        {
            await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            return PaymentWrite.Recorded;
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412)
        {
            return ex.FailedTransactionActionIndex == 0 && ex.Status == 409 ? PaymentWrite.AlreadyRecorded : PaymentWrite.StateChanged;
        }
    }
}

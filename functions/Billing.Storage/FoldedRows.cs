namespace Billing.Storage;

/// <summary>
/// A row per key that every delivery of a Stripe object folds into under its ETag (refunds per charge, disputes per dispute),
/// so deliveries in any order, or at once, meet the same row: read it, fold the event in, write only if that changed it, and
/// fold again into what another delivery wrote meanwhile.
/// </summary>
internal static class FoldedRows
{
    private const int MaxAttempts = 5;

    /// <summary>True when the row changed. A row <paramref name="read"/> cannot read throws <see cref="InvalidDataException"/> before anything is written.</summary>
    public static async Task<bool> FoldAsync<T>(
        this TableClient table, string partition, string rowKey, Func<TableEntity, T> read, Func<T?, T> fold, Func<T, TableEntity> toEntity, CancellationToken cancellationToken)
        where T : class
    {
        for (int attempt = 1; ; attempt++)
        {
            var stored = await table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            T? current = stored.HasValue ? read(stored.Value!) : null;
            var next = fold(current);
            if (next.Equals(current))
            {
                return false;
            }

            try
            {
                if (stored.HasValue)
                {
                    await table.UpdateEntityAsync(toEntity(next), stored.Value!.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await table.AddEntityAsync(toEntity(next), cancellationToken).ConfigureAwait(false);
                }

                return true;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // another delivery wrote meanwhile: fold into what it wrote
            }
        }
    }
}

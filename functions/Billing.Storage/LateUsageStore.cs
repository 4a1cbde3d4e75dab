namespace Billing.Storage;

/// <summary>
/// The months that received usage after the last close that corrects them routinely, one row per payer and month in the
/// facts table's partition <c>late</c> (fact partitions end in <c>|NN</c>, so none is named so). Metering marks a month
/// after the facts are written (a redelivery marks it again, so a crash in between loses nothing); a close reads the marks
/// before any usage and clears one, guarded by its ETag, only once the month is settled: a fact metered after that read
/// marks the month again, which changes the ETag, so the mark stays for the next close. A mark keeps the time its month
/// was first marked (<c>FirstMeteredAt</c>, written only by the insert) besides the latest (<c>MeteredAt</c>, merged by
/// every later marking), so how long a month has waited survives a backlog that marks it again and again.
/// </summary>
public sealed class LateUsageStore(BillingTables tables)
{
    private const string Partition = "late";
    private const string FirstMeteredAt = "FirstMeteredAt";

    private readonly TableClient table = tables.Facts;

    /// <summary>
    /// Marks every (payer, month) of <paramref name="months"/> as metered late at <paramref name="meteredAt"/>: a new mark
    /// is first marked then; one already there keeps its first time and takes this one as its latest (a new ETag either way).
    /// </summary>
    public async Task MarkAsync(IEnumerable<(string Payer, BillingPeriod Month)> months, DateTimeOffset meteredAt, CancellationToken cancellationToken)
    {
        foreach (var (payer, month) in months.Distinct())
        {
            var row = new TableEntity(Partition, RowKey(payer, month))
            {
                ["Payer"] = payer,
                ["Month"] = month.ToString(),
                ["MeteredAt"] = meteredAt,
            };
            while (!await MarkOnceAsync(row, meteredAt, cancellationToken).ConfigureAwait(false))
            {
                // cleared by a close between the insert and the merge: inserted again, first marked now
            }
        }
    }

    /// <summary>Inserts the mark, or merges the latest time into the one there; false when it vanished in between.</summary>
    private async Task<bool> MarkOnceAsync(TableEntity row, DateTimeOffset meteredAt, CancellationToken cancellationToken)
    {
        if (await table.TryAddAsync(new TableEntity(row) { [FirstMeteredAt] = meteredAt }, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        try
        {
            // Merge leaves FirstMeteredAt as it is; the other properties are rewritten whole, as a replace did.
            await table.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    /// <summary>Every mark; a row this platform did not write is listed apart (never taken as a settled month).</summary>
    public Task<StoredList<LateUsageMark>> ListAsync(CancellationToken cancellationToken) =>
        StoredRows.ReadAsync(table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: cancellationToken), ToMark);

    /// <summary>Clears <paramref name="mark"/> unless usage was metered late again since it was read (then it stays).</summary>
    public async Task ClearAsync(LateUsageMark mark, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mark);
        try
        {
            await table.DeleteEntityAsync(Partition, RowKey(mark.Payer, mark.Month), mark.ETag, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // cleared by another close, or marked again since: the next close settles it
        }
    }

    private static string RowKey(string payer, BillingPeriod month) => month.ToCompactString() + "|" + TableKey.Part(payer, TableKey.MaxKeyChars - 7);

    private static LateUsageMark ToMark(TableEntity row)
    {
        var v = new RowValues(row, "late usage");
        string payer = v.Text("Payer", required: true)!;
        string monthText = v.Text("Month", required: true)!;
        if (!BillingPeriod.TryParse(monthText, out var month) || RowKey(payer, month) != row.RowKey)
        {
            throw v.Unreadable("Month", $"'{monthText}' is not the month of this row's key");
        }

        var last = v.Time("MeteredAt", required: true)!.Value;
        return new LateUsageMark(payer, month, v.Time(FirstMeteredAt) ?? last, last, row.ETag); // none on a mark written before 2026-12
    }
}

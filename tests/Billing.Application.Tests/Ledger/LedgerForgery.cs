namespace Billing.Application.Tests.Ledger;

/// <summary>
/// The insider with write access to the ledger table: one entry of the main book changed, then every entry re-hashed and
/// re-linked, the id rows and the head rewritten to match, so the hash chain verifies (each row written now, so its storage
/// time is now too). Only anchors on chain can show such a rewrite; reconcile compares what each entry says with its records.
/// </summary>
internal static class LedgerForgery
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>Entry <paramref name="sequence"/>'s postings and metadata replaced by what <paramref name="forge"/> makes of it.</summary>
    public static async Task RewriteAsync(LedgerStore ledger, long sequence, Func<LedgerEntry, (IReadOnlyList<Posting> Postings, IReadOnlyDictionary<string, string> Metadata)> forge)
    {
        var entries = await ledger.ReadAllAsync(LedgerEntries.MainBook, Ct);
        string previous = LedgerEntry.GenesisHash;
        foreach (var e in entries)
        {
            var (postings, metadata) = e.Sequence == sequence ? forge(e) : (e.Postings, e.Metadata);
            var forged = LedgerEntry.Seal(e.Book, e.Sequence, previous, new LedgerEntryDraft(e.EntryId, e.Kind, e.OccurredAt, postings, metadata));
            var entity = (await ledger.Table.GetEntityAsync<TableEntity>(LedgerStore.PartitionKey(e.Book), LedgerStore.SequenceRowKey(e.Sequence))).Value;
            entity["Postings"] = new JsonArray(postings.Select(p => (JsonNode?)new JsonArray(p.Account, p.Asset, p.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray()).ToJsonString();
            if (e.Sequence == sequence)
            {
                entity["Metadata"] = new JsonObject(forged.Metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value)))).ToJsonString();
            }

            entity["PreviousHash"] = forged.PreviousHash;
            entity["Hash"] = forged.Hash;
            await ledger.Table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace);
            var idRow = (await ledger.Table.GetEntityAsync<TableEntity>(LedgerStore.PartitionKey(e.Book), LedgerStore.IdRowKey(e.EntryId))).Value;
            idRow["Hash"] = forged.Hash;
            await ledger.Table.UpdateEntityAsync(idRow, idRow.ETag, TableUpdateMode.Replace);
            previous = forged.Hash;
        }

        var head = (await ledger.Table.GetEntityAsync<TableEntity>(LedgerStore.PartitionKey(LedgerEntries.MainBook), LedgerStore.HeadRowKey)).Value;
        head["LastHash"] = previous;
        await ledger.Table.UpdateEntityAsync(head, head.ETag, TableUpdateMode.Replace);
    }

    /// <summary>Entry <paramref name="sequence"/>'s amounts set to <paramref name="newAmount"/> (each posting keeps its side).</summary>
    public static Task RewriteAmountAsync(LedgerStore ledger, long sequence, long newAmount) =>
        RewriteAsync(ledger, sequence, e => ([.. e.Postings.Select(p => p with { Amount = Math.Sign(p.Amount) * newAmount })], e.Metadata));

    /// <summary>Entry <paramref name="sequence"/>'s metadata <paramref name="key"/> set to <paramref name="value"/>.</summary>
    public static Task RewriteMetadataAsync(LedgerStore ledger, long sequence, string key, string value) =>
        RewriteAsync(ledger, sequence, e => (e.Postings, new Dictionary<string, string>(e.Metadata, StringComparer.Ordinal) { [key] = value }));
}

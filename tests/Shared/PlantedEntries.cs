using System.Security.Cryptography;
using Azure.Data.Tables;
using Billing.Domain.Ledger;
using Billing.Storage;
using Billing.Storage.Ledger;

namespace Billing.Tests.Shared;

/// <summary>
/// Entries as someone with write access to the ledger table (not to the app settings) appends them: hash-chained at the
/// head like any entry (the hash is public), with no seal of this deployment (<see cref="LedgerSealKeys"/>), or with one
/// made under a key of their own.
/// </summary>
internal static class PlantedEntries
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>A key this deployment never configured.</summary>
    public static LedgerSealKeys ForeignKeys { get; } = new(RandomNumberGenerator.GetBytes(32), []);

    /// <summary><paramref name="draft"/> chained at the head of <paramref name="book"/>, its row without a seal.</summary>
    public static async Task<LedgerEntry> AppendUnsealedAsync(BillingTables tables, string book, LedgerEntryDraft draft)
    {
        var entry = await new LedgerStore(tables, TestSeals.Keys).AppendAsync(book, draft, Ct);
        await StripSealAsync(tables, book, entry.Sequence);
        return entry;
    }

    /// <summary><paramref name="draft"/> chained at the head of <paramref name="book"/>, sealed with <see cref="ForeignKeys"/>.</summary>
    public static Task<LedgerEntry> AppendForgedAsync(BillingTables tables, string book, LedgerEntryDraft draft) =>
        new LedgerStore(tables, ForeignKeys).AppendAsync(book, draft, Ct);

    /// <summary>The seal of entry <paramref name="sequence"/> removed from its row (the rest as it is).</summary>
    public static async Task StripSealAsync(BillingTables tables, string book, long sequence)
    {
        var table = tables.Table(LedgerStore.TableName);
        var row = (await table.GetEntityAsync<TableEntity>(LedgerStore.PartitionKey(book), LedgerStore.SequenceRowKey(sequence), cancellationToken: Ct)).Value;
        row.Remove(LedgerStore.SealColumn);
        await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, Ct);
    }
}

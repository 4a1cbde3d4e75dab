namespace Billing.Functions.Tests.QueryUsage;

/// <summary>
/// A fact stored in the platform's tables for a payer of its own (registered, without a plan so no close invoices it),
/// with a value of the wrong type planted in its time row.
/// </summary>
internal static class UnreadableFactRows
{
    public static readonly DateTimeOffset Time = new(2026, 3, 10, 10, 15, 0, TimeSpan.Zero);

    /// <summary>Stores two facts of a fresh payer at <see cref="Time"/> and plants text in one's <c>Bytes</c>; returns the payer.</summary>
    public static async Task<string> StoreAsync(PlatformFixture platform)
    {
        string payer = "tampered-" + Guid.NewGuid().ToString("N")[..8];
        var tables = new BillingTables(new TableServiceClient(platform.ConnectionString), new StorageOptions { TablePrefix = platform.TablePrefix });
        await new PartnerStore(tables).UpsertAsync(new PartnerRegistration(new Partner(payer, PartnerRole.Carrier, null), "key-" + Guid.NewGuid().ToString("N")), CancellationToken.None);
        var facts = new FactStore(tables);
        var tampered = SampleFacts.Carrier("t-1", 1_000, Time, payer);
        await facts.AppendAsync([tampered, SampleFacts.Carrier("t-2", 2_000, Time, payer)], CancellationToken.None);
        // As someone with write access to storage could.
        await tables.Facts.UpdateEntityAsync(
            new TableEntity(facts.PartitionKey(payer, payer, "t-1"), FactStore.TimeRowKey(Time, payer, "t-1")) { ["Bytes"] = "12" }, ETag.All, TableUpdateMode.Merge);
        return payer;
    }
}

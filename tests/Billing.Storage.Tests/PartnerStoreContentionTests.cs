namespace Billing.Storage.Tests;

/// <summary>
/// Another writer changes the partner row between every read and write of <see cref="PartnerStore.SetStripeCustomerAsync"/>
/// (a second client on the same Azurite table, called just before each of the store's transactions).
/// </summary>
[Collection(AzuriteCollection.Name)]
public class PartnerStoreContentionTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task SetStripeCustomerAsync_RowChangedBeforeEveryWrite_ThrowsRowContentionInsteadOfForgettingTheCustomer()
    {
        var writer = new ConcurrentWriter();
        var tables = await azurite.NewTablesAsync(client: writer.Options());
        var store = new PartnerStore(tables);
        await store.UpsertAsync(new PartnerRegistration(new Partner("tenant-busy", PartnerRole.Tenant, "compute-standard-v1"), "seed-key-tenant-busy1") { At = Now }, CancellationToken.None);
        writer.Start(new TableClient(azurite.ConnectionString, tables.Partners.Name));

        var ex = await Assert.ThrowsAsync<RowContentionException>(() => store.SetStripeCustomerAsync("tenant-busy", "cus_NEW", Now, CancellationToken.None));

        Assert.Contains("partner tenant-busy", ex.Message, StringComparison.Ordinal);
        Assert.Equal(5, writer.Writes);
        writer.Stop();
        Assert.Null((await store.GetAsync("tenant-busy", CancellationToken.None))!.StripeCustomerId);
        await store.SetStripeCustomerAsync("tenant-busy", "cus_NEW", Now, CancellationToken.None); // once the other writer stops, it is stored
        Assert.Equal("cus_NEW", (await store.GetAsync("tenant-busy", CancellationToken.None))!.StripeCustomerId);
    }

    /// <summary>Before each table transaction the store sends, rewrites every partner row (same values, new ETag).</summary>
    private sealed class ConcurrentWriter : HttpPipelinePolicy
    {
        private TableClient? other;
        private int writes;

        public int Writes => writes;

        public TableClientOptions Options()
        {
            var options = new TableClientOptions();
            options.AddPolicy(this, HttpPipelinePosition.PerCall);
            return options;
        }

        public void Start(TableClient table) => other = table;

        public void Stop() => other = null;

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("the store calls the asynchronous API only");

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (other is { } table && message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref writes);
                await foreach (var row in table.QueryAsync<TableEntity>("PartitionKey eq 'p'"))
                {
                    await table.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Merge);
                }
            }

            await ProcessNextAsync(message, pipeline);
        }
    }
}

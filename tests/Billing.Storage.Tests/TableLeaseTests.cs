namespace Billing.Storage.Tests;

/// <summary>Lease rows someone with write access to storage changed: counted as expired and taken over, so they stop no executor or close.</summary>
[Collection(AzuriteCollection.Name)]
public class TableLeaseTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset Now = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    public static TheoryData<string, object, string> PlantedValues => new()
    {
        { "ExpiresAt", "2099-01-01T00:00:00Z", "property 'ExpiresAt': Edm.String found, Edm.DateTime expected" },
        { "Owner", 7L, "property 'Owner': Edm.Int64 found, Edm.String expected" },
    };

    [Theory]
    [MemberData(nameof(PlantedValues))]
    public async Task TryAcquireAsync_LiveLeaseRowHoldsAPlantedValue_TakesItOverAndSaysWhy(string property, object value, string reason)
    {
        var tables = await azurite.NewTablesAsync();
        var burns = new BurnStore(tables);
        Assert.True((await burns.TryAcquireLeaseAsync("treasury-1", "someone-else", TimeSpan.FromDays(365), Now, Ct)).Acquired);
        await tables.Burns.UpdateEntityAsync(new TableEntity("lease", "treasury-1") { [property] = value }, ETag.All, TableUpdateMode.Merge, Ct);

        // Before: GetString/GetDateTimeOffset threw InvalidOperationException on every attempt, so the executor never ran again.
        var taken = await burns.TryAcquireLeaseAsync("treasury-1", "me", Minute, Now, Ct);
        var other = await burns.TryAcquireLeaseAsync("treasury-1", "a-third", Minute, Now, Ct);

        Assert.True(taken.Acquired);
        Assert.Contains(reason, taken.Unreadable, StringComparison.Ordinal);
        Assert.Equal(new LeaseAcquisition(false), other); // the lease written over it is live and readable
    }

    [Fact]
    public async Task TryAcquireAsync_LiveReadableLeaseOfAnother_IsNotTaken()
    {
        var tables = await azurite.NewTablesAsync();
        var invoices = new InvoiceStore(tables);

        Assert.Equal(new LeaseAcquisition(true), await invoices.TryAcquireCloseLeaseAsync("first", Minute, Now, Ct));
        Assert.Equal(new LeaseAcquisition(false), await invoices.TryAcquireCloseLeaseAsync("second", Minute, Now.AddSeconds(30), Ct));
        Assert.Equal(new LeaseAcquisition(true), await invoices.TryAcquireCloseLeaseAsync("second", Minute, Now.AddMinutes(2), Ct)); // lapsed
    }

    [Fact]
    public async Task TryAcquireAsync_RenewalWhoseAnswerWasLostAndRetried_StillHeldByItsOwner()
    {
        var tables = await azurite.NewTablesAsync();
        Assert.True((await new InvoiceStore(tables).TryAcquireCloseLeaseAsync("me", Minute, Now, Ct)).Acquired);
        var options = new TableClientOptions();
        options.AddPolicy(new AppliedThenRetried(), HttpPipelinePosition.PerCall);
        var retrying = new InvoiceStore(new BillingTables(new TableServiceClient(azurite.ConnectionString, options), tables.Options));

        // Before: the retry met its own write (412) and the owner read it as taken by another, so a close that renews its
        // lease every quarter of it abandoned every payer left although the row still named it.
        var renewed = await retrying.TryAcquireCloseLeaseAsync("me", Minute, Now.AddSeconds(30), Ct);
        var other = await new InvoiceStore(tables).TryAcquireCloseLeaseAsync("other", Minute, Now.AddSeconds(40), Ct);

        Assert.Equal(new LeaseAcquisition(true), renewed);
        Assert.Equal(new LeaseAcquisition(false), other);
    }

    /// <summary>Sends the first replacing write twice, as the retry of a request whose answer was lost: the second meets a moved ETag.</summary>
    private sealed class AppliedThenRetried : TablesPolicy
    {
        private int fired;

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
            if (message.Request.Method == RequestMethod.Put && message.Response.Status == 204 && Interlocked.Exchange(ref fired, 1) == 0)
            {
                await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
            }
        }
    }

    [Fact]
    public async Task ReleaseAsync_LeaseRowOwnerPlantedAsANumber_LeavesTheRowAndDoesNotThrow()
    {
        var tables = await azurite.NewTablesAsync();
        var invoices = new InvoiceStore(tables);
        await invoices.TryAcquireCloseLeaseAsync("me", Minute, Now, Ct);
        await tables.Invoices.UpdateEntityAsync(new TableEntity("lease", "period-close") { ["Owner"] = 7L }, ETag.All, TableUpdateMode.Merge, Ct);

        await invoices.ReleaseCloseLeaseAsync("me", Ct);

        Assert.True((await tables.Invoices.GetEntityIfExistsAsync<TableEntity>("lease", "period-close", cancellationToken: Ct)).HasValue);
    }
}

using Azure;

namespace Billing.Application.Tests.Partners;

/// <summary>
/// The partner directory's snapshot and key cache on Azurite: with rows planted in the registry as storage write access
/// could, and with a change made on this instance while one of the directory's reads is in flight.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class PartnerDirectoryTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly Partner Finance = new("finance", PartnerRole.Finance, null);

    /// <summary>
    /// A directory whose reads of storage matching <paramref name="marker"/> are answered, then (the first time) this
    /// instance's management disables <c>carrier-race</c> before the directory goes on: its change and its invalidation
    /// fall between the directory's read and what the directory keeps of it. Returns the partner's key.
    /// </summary>
    private async Task<(PartnerDirectory Directory, InterleavingTables Hook, string ApiKey)> DisabledWhileReadingAsync(string marker)
    {
        var real = await azurite.NewTablesAsync();
        var options = Options.Create(new PartnerOptions());
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero));
        PartnerManagement? management = null;
        var (tables, hook) = InterleavingTables.Create(azurite.ConnectionString, real, marker,
            () => management!.UpdateAsync(Finance, "carrier-race", new PartnerUpdate(null, null, null, null, "disabled"), Ct));
        var directory = new PartnerDirectory(new PartnerStore(tables), options, clock, NullLogger<PartnerDirectory>.Instance);
        management = new PartnerManagement(new PartnerStore(real), directory, PartnerManagementTests.Plans(), options, clock, NullLogger<PartnerManagement>.Instance);
        var created = await management.CreateAsync(Finance, new PartnerDraft("carrier-race", "carrier", "carrier-standard-v1", "Carrier race", "billing@race.example", null), Ct);
        return (directory, hook, created.ApiKey);
    }

    [Fact]
    public async Task AuthenticateAsync_PartnerDisabledHereWhileItsKeyWasRead_TheNextRequestIsRefused()
    {
        var (directory, hook, apiKey) = await DisabledWhileReadingAsync("RowKey='carrier-race'");

        var inFlight = await directory.AuthenticateAsync(apiKey, Ct); // read before the change: answered as read
        var next = await directory.AuthenticateAsync(apiKey, Ct);

        Assert.True(hook.Fired);
        Assert.Equal("carrier-race", inFlight?.Id);
        Assert.Null(next); // before: carrier-race, the stale read cached over the invalidation for CacheTtl
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AuthenticateAsync_KeyWhosePartnerRowIsGoneOrUnreadable_RefusedAgainWithoutStorageReadsUntilInvalidatedOrExpired(bool removed)
    {
        var real = await azurite.NewTablesAsync();
        await new PartnerStore(real).UpsertAsync(new PartnerRegistration(new Partner("carrier-broken", PartnerRole.Carrier, "carrier-standard-v1"), "k-carrier-broken-1"), Ct);
        if (removed)
        {
            await real.Partners.DeleteEntityAsync("p", "carrier-broken", ETag.All); // as someone with storage access could; its audit trail stays
        }
        else
        {
            await real.Partners.UpdateEntityAsync(new TableEntity("p", "carrier-broken") { ["Role"] = "overlord" }, ETag.All, TableUpdateMode.Merge);
        }

        // Counts every request to the partners table (the hook never runs anything).
        var (tables, reads) = InterleavingTables.Create(azurite.ConnectionString, real, real.Partners.Name, () => Task.CompletedTask, times: 0);
        var options = Options.Create(new PartnerOptions());
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero));
        var directory = new PartnerDirectory(new PartnerStore(tables), options, clock, NullLogger<PartnerDirectory>.Instance);
        var refused = removed ? typeof(PartnerRowMissingException) : typeof(InvalidDataException);

        await Assert.ThrowsAsync(refused, () => directory.AuthenticateAsync("k-carrier-broken-1", Ct));
        int first = reads.Matched;
        for (int i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync(refused, () => directory.AuthenticateAsync("k-carrier-broken-1", Ct));
        }

        int cached = reads.Matched - first;
        directory.Invalidate();
        await Assert.ThrowsAsync(refused, () => directory.AuthenticateAsync("k-carrier-broken-1", Ct));
        int afterInvalidate = reads.Matched;
        clock.Advance(options.Value.CacheTtl);
        await Assert.ThrowsAsync(refused, () => directory.AuthenticateAsync("k-carrier-broken-1", Ct));

        Assert.True(first > 0);
        Assert.Equal(0, cached); // before: every request read the key row, the partner row (and for a removed one its trail) again
        Assert.True(afterInvalidate > first + cached, "Invalidate drops the refusal: the next request reads again");
        Assert.True(reads.Matched > afterInvalidate, "the refusal expires with the cache TTL");
    }

    [Fact]
    public async Task EnsureFreshAsync_PartnerDisabledHereWhileTheRegistryWasRead_ReadsItAgain()
    {
        var (directory, hook, _) = await DisabledWhileReadingAsync("RowKey lt '|'");

        await directory.RefreshAsync(Ct); // read before the change
        Assert.True(hook.Fired);
        await directory.EnsureFreshAsync(Ct);

        Assert.Equal(PartnerStatus.Disabled, directory.Find("carrier-race")?.Status); // before: Active, the stale snapshot kept for CacheTtl
    }

    [Fact]
    public async Task RefreshAsync_RowUnderANeedlessEscapeOfAnId_KeepsTheRowItsIdNamesLogsTheOtherAndEveryoneAuthenticates()
    {
        var tables = await azurite.NewTablesAsync();
        var store = new PartnerStore(tables);
        await store.UpsertAsync(new PartnerRegistration(new Partner("carrier-twin", PartnerRole.Carrier, "carrier-standard-v1"), "k-carrier-twin-001"), Ct);
        await store.UpsertAsync(new PartnerRegistration(new Partner("tenant-lab", PartnerRole.Tenant, "compute-standard-v1"), "k-tenant-lab-00001"), Ct);
        var table = tables.Partners;
        var row = (await table.GetEntityAsync<TableEntity>("p", "carrier-twin", cancellationToken: Ct)).Value;
        // The same id once unescaped ('%2d' is '-'), under a key this platform never writes, with another plan.
        await table.AddEntityAsync(new TableEntity(row) { RowKey = "carrier%2dtwin", ["PlanId"] = "compute-standard-v1" }, Ct);
        var logger = new ListLogger<PartnerDirectory>();
        var directory = new PartnerDirectory(store, Options.Create(new PartnerOptions()), new FakeTimeProvider(DateTimeOffset.UnixEpoch), logger);

        await directory.RefreshAsync(Ct); // before: ArgumentException (an id added twice), and so every authentication

        Assert.Equal("carrier-standard-v1", directory.Find("carrier-twin")?.PlanId);
        Assert.Equal("tenant-lab", (await directory.AuthenticateAsync("k-tenant-lab-00001", Ct))?.Id);
        Assert.Equal("carrier-twin", (await directory.AuthenticateAsync("k-carrier-twin-001", Ct))?.Id);
        Assert.Single(logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error && e.Message.Contains("carrier%2dtwin", StringComparison.Ordinal));
        await directory.RefreshAsync(Ct);
        Assert.Single(logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error); // logged when first seen, not on every refresh
    }
}

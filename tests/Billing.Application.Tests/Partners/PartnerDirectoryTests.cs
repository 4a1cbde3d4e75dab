namespace Billing.Application.Tests.Partners;

/// <summary>The partner directory's snapshot on Azurite, with rows planted in the registry as storage write access could.</summary>
[Collection(AzuriteCollection.Name)]
public class PartnerDirectoryTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;

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

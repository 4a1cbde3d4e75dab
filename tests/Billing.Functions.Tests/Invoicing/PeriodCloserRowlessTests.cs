namespace Billing.Functions.Tests.Invoicing;

/// <summary>
/// Partners whose row was removed outside the platform (as someone with write access to storage could), seen by a period
/// close on Azurite: one its audit trail makes a payer fails alone until the row is restored, then is billed; one its
/// trail makes no payer (a provider) is no failure; and a payer whose row and trail are both gone fails when the close
/// knows of its usage (a late-usage mark, or usage in the period of a payer invoiced for a month the close corrects).
/// </summary>
public class PeriodCloserRowlessTests(AzuriteFixture azurite) : PeriodCloserTestBase(azurite)
{
    private const string RowMissing = "its partner row is missing (removed outside the platform) while its audit trail remains: restore the row, and the first close after bills it";

    private const string Appeared = "its partner row was missing when this close read the registry and came back while it ran (restored, say): the next close bills it";

    /// <summary>October's usage of carrier-tmo (15.00) and tenant-lab (minimum 100.00).</summary>
    private async Task<PeriodCloserSetup> OctoberAsync()
    {
        var setup = await NewAsync(October.End.AddHours(1));
        await setup.AddCarrierAsync(October.Start.AddDays(1), 150_000_000_000);
        await setup.AddComputeAsync(October.Start.AddDays(2), "H100", 3_600);
        return setup;
    }

    /// <summary>Removes the rows of the partners' partition whose key <paramref name="removed"/> picks, returning them to put back.</summary>
    private static async Task<List<TableEntity>> RemoveAsync(PeriodCloserSetup setup, Func<string, bool> removed)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in setup.Tables.Partners.QueryAsync<TableEntity>(e => e.PartitionKey == "p"))
        {
            if (removed(row.RowKey))
            {
                rows.Add(row);
                await setup.Tables.Partners.DeleteEntityAsync("p", row.RowKey, Azure.ETag.All);
            }
        }

        Assert.NotEmpty(rows);
        return rows;
    }

    private static async Task RestoreAsync(PeriodCloserSetup setup, IEnumerable<TableEntity> rows)
    {
        foreach (var row in rows)
        {
            await setup.Tables.Partners.UpsertEntityAsync(row, TableUpdateMode.Replace);
        }
    }

    /// <summary>The partner row and every audit entry of <paramref name="partner"/> (and their by-time copies).</summary>
    private static async Task<List<TableEntity>> RemoveRowAndTrailAsync(PeriodCloserSetup setup, string partner)
    {
        var entries = await setup.Partners.AuditOfPartnerAsync(partner, null, 100, CancellationToken.None);
        var ids = entries.Entries.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        return await RemoveAsync(setup, key => key == partner || key.StartsWith($"|a|p|{partner}|", StringComparison.Ordinal) || ids.Any(id => key.EndsWith(id, StringComparison.Ordinal)));
    }

    private static async Task<IReadOnlyDictionary<string, string>> RecordedFailuresAsync(PeriodCloserSetup setup, BillingPeriod period) =>
        (await setup.Invoices.GetCloseAsync(period, CancellationToken.None))!.Value.Record.FailedPayers;

    /// <summary>
    /// Closes October expecting <paramref name="payer"/> alone to fail (returned: why), twice; then puts
    /// <paramref name="removed"/> back and checks that the next close bills it <paramref name="total"/> (minor units) and
    /// leaves nobody failed.
    /// </summary>
    private static async Task<string> FailsThenBilledOnceRestoredAsync(PeriodCloserSetup setup, IEnumerable<TableEntity> removed, string payer = "carrier-tmo", long total = 1500)
    {
        string reason = await setup.CloseWithOneFailedPayerAsync(October, payer, [.. new[] { "carrier-tmo", "tenant-lab", "tenant-idle" }.Where(p => p != payer)]);
        await RestoreAsync(setup, removed);
        var restored = await setup.Closer.CloseAsync(October, force: false, CancellationToken.None);

        Assert.Empty(restored.Failed);
        Assert.Empty(await RecordedFailuresAsync(setup, October));
        Assert.Equal(total, Assert.Single(restored.Invoices, i => i.Payer == payer).Total.MinorUnits);
        return reason;
    }

    [Fact]
    public async Task CloseAsync_ProviderAndPayerRowsRemoved_PayerAloneFailsAndIsBilledOnceRestored()
    {
        // Before: the provider failed too ("its partner row is missing"), though a provider is never invoiced.
        var setup = await OctoberAsync();
        var removed = await RemoveAsync(setup, key => key is "carrier-tmo" or "provider-nodeops");

        Assert.Equal(RowMissing, await FailsThenBilledOnceRestoredAsync(setup, removed));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CloseAsync_RecordCarriesAProvidersRowMissingFailure_RepeatDropsIt(bool rowRestored)
    {
        // A record the previous version stored: the provider failed for its missing row, and the failure was carried into
        // every repeat close, even once the row was restored (a provider is never tried again: it is not invoiced).
        var setup = await OctoberAsync();
        var removed = await RemoveAsync(setup, key => key == "provider-nodeops");
        var first = await setup.Closer.CloseAsync(October, force: false, CancellationToken.None);
        var stored = (await setup.Invoices.GetCloseAsync(October, CancellationToken.None))!.Value;
        var carried = new Dictionary<string, string>(first.Failed) { ["provider-nodeops"] = RowMissing };
        Assert.True(await setup.Invoices.TrySaveCloseAsync(stored.Record with { FailedPayers = carried }, stored.ETag, CancellationToken.None));
        if (rowRestored)
        {
            await RestoreAsync(setup, removed);
        }

        var repeat = await setup.Closer.CloseAsync(October, force: false, CancellationToken.None);

        Assert.Empty(repeat.Failed);
        Assert.Empty(await RecordedFailuresAsync(setup, October));
        Assert.Equal(first.Invoices.Select(i => i.Id), repeat.Invoices.Select(i => i.Id));
    }

    [Fact]
    public async Task CloseAsync_PayerWithLateUsageLostRowAndTrail_FailsNamingTheUsageUntilRestoredThenBilled()
    {
        // Before: the mark was ignored (its payer in no row and no trail), and carrier-tmo skipped without a word.
        var setup = await OctoberAsync();
        await setup.Facts.LateUsage.MarkAsync([("carrier-tmo", July)], October.Start.AddDays(2), CancellationToken.None);
        var removed = await RemoveRowAndTrailAsync(setup, "carrier-tmo");

        string reason = await FailsThenBilledOnceRestoredAsync(setup, removed);

        Assert.StartsWith("usage of payer carrier-tmo metered late for 2026-07 but no partner row and no audit trail: ", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CloseAsync_PayerInvoicedLastMonthLostRowAndTrail_FailsNamingItsUsageOfThePeriodUntilRestoredThenBilled()
    {
        // Before: carrier-tmo was skipped without a word, its October usage unbilled.
        var setup = await OctoberAsync();
        await setup.AddCarrierAsync(September.Start.AddDays(1), 50_000_000_000); // September: 5.00
        await setup.Closer.CloseAsync(September, force: false, CancellationToken.None);
        var removed = await RemoveRowAndTrailAsync(setup, "carrier-tmo");

        string reason = await FailsThenBilledOnceRestoredAsync(setup, removed);

        Assert.StartsWith("usage of payer carrier-tmo in 2026-10 but no partner row and no audit trail: ", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CloseAsync_PayerInvoicedLastMonthWithoutUsageLostRowAndTrail_FailsSayingItsMinimumIsUnknownUntilRestoredThenBilled()
    {
        // tenant-idle has no usage, but its plan bills a 100.00 minimum every month: it was invoiced for September.
        var setup = await OctoberAsync();
        await setup.Closer.CloseAsync(September, force: true, CancellationToken.None);
        var removed = await RemoveRowAndTrailAsync(setup, "tenant-idle");

        string reason = await FailsThenBilledOnceRestoredAsync(setup, removed, "tenant-idle", 10_000);

        Assert.StartsWith("payer tenant-idle was invoiced for 2026-09 (whose corrections this close bills, besides any minimum of 2026-10) but has no partner row and no audit trail: ", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(6, false)] // a provider since June: no payer since August, the earliest month the October close bills
    [InlineData(9, true)]  // a tenant until September: this close bills its corrections of August and September
    public async Task CloseAsync_FormerPayerRowRemoved_FailsOnlyWhenItWasAPayerSinceTheRoutineWindowBegan(int providerFrom, bool fails)
    {
        var setup = await OctoberAsync();
        var registration = new PartnerRegistration(new Partner("tenant-former", PartnerRole.Tenant, "compute-standard-v1"), "k-tenant-former-01") { At = new(2026, 5, 1, 0, 0, 0, TimeSpan.Zero) };
        await setup.Partners.UpsertAsync(registration, CancellationToken.None);
        await setup.Partners.UpsertAsync(registration with { Partner = new Partner("tenant-former", PartnerRole.Provider, null), At = new(2026, providerFrom, 15, 0, 0, 0, TimeSpan.Zero) }, CancellationToken.None);
        await RemoveAsync(setup, key => key == "tenant-former");

        var result = await setup.Closer.CloseAsync(October, force: false, CancellationToken.None);

        Assert.Equal(fails ? new[] { "tenant-former" } : [], result.Failed.Keys);
        Assert.Equal(["carrier-tmo", "tenant-idle", "tenant-lab"], result.Invoices.Select(i => i.Payer));
    }

    [Fact]
    public async Task CloseAsync_ProviderRowRemovedAndItsTrailChanged_FailsItsRoleUnknown()
    {
        // The trail no longer verifies, so it cannot tell the partner never was a payer.
        var setup = await OctoberAsync();
        await RemoveAsync(setup, key => key == "provider-nodeops");
        var entry = Assert.Single((await setup.Partners.AuditOfPartnerAsync("provider-nodeops", null, 100, CancellationToken.None)).Entries);
        await setup.Tables.Partners.UpdateEntityAsync(new TableEntity("p", $"|a|p|provider-nodeops|{entry.Id}") { ["Actor"] = "someone" }, Azure.ETag.All, TableUpdateMode.Merge);

        var result = await setup.Closer.CloseAsync(October, force: false, CancellationToken.None);

        Assert.StartsWith(RowMissing + "; its role is unknown, as its audit trail does not verify: HashMismatch", Assert.Single(result.Failed, f => f.Key == "provider-nodeops").Value, StringComparison.Ordinal);
        Assert.Equal(["carrier-tmo", "tenant-idle", "tenant-lab"], result.Invoices.Select(i => i.Payer));
    }

    [Theory]
    [InlineData(false)] // its trail kept: the close reads its row back with the trail
    [InlineData(true)]  // its trail gone too, a late-usage mark left: the close reads the trail the mark leads to
    public async Task CloseAsync_PayerRowRestoredWhileTheCloseRan_FailsItAndTheNextCloseBillsIt(bool trailToo)
    {
        // A carrier since May whose row is missing when the close reads the registry, and is restored right before the
        // close reads its trail: nobody tried it, so the record must not count October closed for it.
        var setup = await OctoberAsync();
        var since = new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);
        await setup.Partners.UpsertAsync(new PartnerRegistration(new Partner("carrier-back", PartnerRole.Carrier, "carrier-standard-v1"), "k-carrier-back-001") { At = since }, CancellationToken.None);
        await setup.AddCarrierAsync(October.Start.AddDays(3), 70_000_000_000, payer: "carrier-back"); // 7.00
        if (trailToo)
        {
            await setup.Facts.LateUsage.MarkAsync([("carrier-back", July)], October.Start.AddDays(4), CancellationToken.None);
        }

        var removed = trailToo ? await RemoveRowAndTrailAsync(setup, "carrier-back") : await RemoveAsync(setup, key => key == "carrier-back");
        var (tables, restore) = InterleavingTables.CreateBefore(setup.Tables, "RowKey='carrier-back'", () => RestoreAsync(setup, removed));
        var closer = new PeriodCloser(setup.Facts, setup.Invoices, new PartnerStore(tables), setup.Plans, InvoiceFinalization.None, setup.Clock,
            Microsoft.Extensions.Options.Options.Create(new InvoicingOptions()), NullLogger<PeriodCloser>.Instance);

        var first = await closer.CloseAsync(October, force: false, CancellationToken.None);

        Assert.True(restore.Fired);
        Assert.Equal(["carrier-tmo", "tenant-idle", "tenant-lab"], first.Invoices.Select(i => i.Payer));
        Assert.Equal(new Dictionary<string, string> { ["carrier-back"] = Appeared }, first.Failed);
        Assert.Equal(first.Failed, await RecordedFailuresAsync(setup, October));

        var next = await setup.Closer.CloseAsync(October, force: false, CancellationToken.None);

        Assert.Empty(next.Failed);
        Assert.Empty(await RecordedFailuresAsync(setup, October));
        Assert.Equal(700, Assert.Single(next.Invoices, i => i.Payer == "carrier-back").Total.MinorUnits);
    }

    // Stored data planted or rewritten by someone with write access to storage: such a row fails its own id, never the
    // whole close, and a trail saying "no payer" does not outweigh usage billed to the partner.
    [Fact]
    public async Task CloseAsync_LateMarkPlantedForAnIdNoPartnerCanHave_FailsThatIdAndInvoicesEveryoneElse()
    {
        var setup = await NewAsync(October.End.AddHours(1));
        await setup.AddCarrierAsync(October.Start.AddDays(1), 150_000_000_000);
        string planted = new('%', 400); // its escaped key is longer than any key storage holds
        await setup.Facts.LateUsage.MarkAsync([(planted, September)], October.End, CancellationToken.None);

        var closed = await setup.Closer.CloseAsync(October, force: false, CancellationToken.None);

        Assert.Contains(closed.Invoices, i => i.Payer == "carrier-tmo");
        Assert.Contains("which no partner can be", Assert.Single(closed.Failed, f => f.Key == planted).Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CloseAsync_RowlessPartnerWhoseTrailSaysProviderButWithUsageAsPayer_FailsInsteadOfOwingNothing()
    {
        var setup = await NewAsync(October.End.AddHours(1));
        await setup.AddCarrierAsync(October.Start.AddDays(1), 150_000_000_000);
        await setup.AddCarrierAsync(October.Start.AddDays(1), 150_000_000_000, payer: "provider-nodeops"); // usage billed to it
        await setup.Tables.Partners.DeleteEntityAsync("p", "provider-nodeops", Azure.ETag.All); // its row removed, its trail kept

        var closed = await setup.Closer.CloseAsync(October, force: false, CancellationToken.None);

        Assert.Contains("partner row is missing", Assert.Single(closed.Failed, f => f.Key == "provider-nodeops").Value, StringComparison.Ordinal);
        Assert.False((await setup.Invoices.GetCloseAsync(October, CancellationToken.None))!.Value.Record.Closed("provider-nodeops"));
    }
}

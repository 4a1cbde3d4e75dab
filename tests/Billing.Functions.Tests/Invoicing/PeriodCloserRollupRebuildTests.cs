using Billing.Application.Rollups;
using Billing.Storage.Rollups;

namespace Billing.Functions.Tests.Invoicing;

/// <summary>
/// A month closed from rollups that disagreed with its facts (a row changed in storage, or facts from before rollups
/// existed) is billed wrong until the rollups are rebuilt; past the months closes correct routinely, only a mark of late
/// usage makes a close look at it again. A rebuild that changes a row of such a month marks it, so the next close bills
/// the difference once.
/// </summary>
public class PeriodCloserRollupRebuildTests(AzuriteFixture azurite) : PeriodCloserTestBase(azurite)
{
    [Fact]
    public async Task CloseAsync_MonthBilledFromUnderCountedRollupsRebuiltPastItsRoutineWindow_NextCloseBillsTheDifferenceOnce()
    {
        var setup = await JulyBilledFromUnderCountedRollupsAsync();

        setup.Clock.SetUtcNow(October.End.AddDays(1)); // October's close corrects September and August routinely, not July
        var rebuilt = await Rebuild(setup).RebuildAsync("carrier-tmo", July, CancellationToken.None);
        var october = await setup.Closer.CloseAsync(October, force: false, CancellationToken.None);
        setup.Clock.SetUtcNow(November.End.AddDays(1));
        var again = await Rebuild(setup).RebuildAsync("carrier-tmo", July, CancellationToken.None);
        var november = await setup.Closer.CloseAsync(November, force: false, CancellationToken.None);

        Assert.Equal(50, Assert.Single(Assert.Single(october.Invoices, i => i.Payer == "carrier-tmo").Lines, l => l.AdjustedPeriod == July).Amount.MinorUnits);
        Assert.Equal(100, await setup.BilledForAsync("carrier-tmo", July));
        Assert.True(rebuilt.MarkedLate);
        Assert.Equal((0, true), (again.RowsChanged, again.MarkedLate)); // marked again: a rebuild cannot tell whether the last mark was settled
        Assert.DoesNotContain(november.Invoices.SelectMany(i => i.Lines), l => l.AdjustedPeriod == July); // re-rated, nothing more to bill
        Assert.Empty((await setup.Facts.LateUsage.ListAsync(CancellationToken.None)).Items);
    }

    [Fact]
    public async Task RebuildAsync_RunAgainAfterItsMarkWasLost_MarksTheMonthThoughNoRowChanges()
    {
        var setup = await JulyBilledFromUnderCountedRollupsAsync();
        setup.Clock.SetUtcNow(October.End.AddDays(1));
        await Rebuild(setup).RebuildAsync("carrier-tmo", July, CancellationToken.None);
        foreach (var mark in (await setup.Facts.LateUsage.ListAsync(CancellationToken.None)).Items)
        {
            await setup.Facts.LateUsage.ClearAsync(mark, CancellationToken.None); // as if writing the mark had failed after the rows
        }

        var retried = await Rebuild(setup).RebuildAsync("carrier-tmo", July, CancellationToken.None); // the CLI retries the 503
        var october = await setup.Closer.CloseAsync(October, force: false, CancellationToken.None);

        Assert.Equal(0, retried.RowsChanged);
        Assert.Equal(50, Assert.Single(Assert.Single(october.Invoices, i => i.Payer == "carrier-tmo").Lines, l => l.AdjustedPeriod == July).Amount.MinorUnits);
    }

    [Fact]
    public async Task RebuildAsync_MonthStillInItsRoutineWindow_MarksNothing()
    {
        var setup = await NewAsync(September.End.AddDays(1));
        await setup.AddCarrierAsync(September.Start.AddDays(3), 10_000_000_000);
        await UnderCountAsync(setup, September, "=10000000000", "=5000000000");

        var rebuilt = await Rebuild(setup).RebuildAsync("carrier-tmo", September, CancellationToken.None);

        Assert.True(rebuilt.RowsChanged > 0);
        Assert.False(rebuilt.MarkedLate); // the next closes re-rate September anyway
        Assert.Empty((await setup.Facts.LateUsage.ListAsync(CancellationToken.None)).Items);
    }

    private static RollupMaintenance Rebuild(PeriodCloserSetup setup) => new(setup.Facts, setup.Clock);

    /// <summary>July's one session (1.00) under-counted in its month row, then July closed from it: billed 0.50.</summary>
    private async Task<PeriodCloserSetup> JulyBilledFromUnderCountedRollupsAsync()
    {
        var setup = await NewAsync(July.End.AddDays(1));
        await setup.AddCarrierAsync(July.Start.AddDays(3), 10_000_000_000); // 100,000 DC → 1.00
        await UnderCountAsync(setup, July, "=10000000000", "=5000000000");
        await setup.Closer.CloseAsync(July, force: false, CancellationToken.None);
        Assert.Equal(50, await setup.BilledForAsync("carrier-tmo", July));
        return setup;
    }

    /// <summary>Changes the payer's month row as someone with storage access could: the text <paramref name="from"/> becomes <paramref name="to"/>.</summary>
    private static async Task UnderCountAsync(PeriodCloserSetup setup, BillingPeriod month, string from, string to)
    {
        string rowKey = RollupCodec.RowKey(UsageWindow.Month, month.Start);
        int changed = 0;
        await foreach (var row in setup.Tables.Facts.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {rowKey}")))
        {
            foreach (string name in row.Keys.Where(k => k.StartsWith('S')).ToList())
            {
                if (row[name] is string text && text.Contains(from, StringComparison.Ordinal))
                {
                    row[name] = text.Replace(from, to, StringComparison.Ordinal);
                    changed++;
                }
            }

            await setup.Tables.Facts.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);
        }

        Assert.Equal(1, changed);
    }
}

namespace Billing.Storage.Tests;

/// <summary>The late-usage marks: metering marks a month, a close clears it only as it read it.</summary>
[Collection(AzuriteCollection.Name)]
public class LateUsageStoreTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly BillingPeriod July = new(2026, 7);
    private static readonly DateTimeOffset At = new(2026, 10, 2, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task MarkAsync_RepeatedMonthsAndPayers_OneMarkEach()
    {
        var store = new LateUsageStore(await azurite.NewTablesAsync());

        await store.MarkAsync([("carrier-a", July), ("carrier-a", July), ("carrier|b", July), ("carrier-a", July.Next)], At, Ct);
        await store.MarkAsync([("carrier-a", July)], At.AddHours(1), Ct);

        var marks = (await store.ListAsync(Ct)).Items.OrderBy(m => m.Month).ThenBy(m => m.Payer, StringComparer.Ordinal).ToList();
        Assert.Equal([("carrier-a", July, At.AddHours(1)), ("carrier|b", July, At), ("carrier-a", July.Next, At)], marks.Select(m => (m.Payer, m.Month, m.MeteredAt)));
    }

    [Fact]
    public async Task ClearAsync_MarkedAgainSinceItWasRead_Stays()
    {
        var store = new LateUsageStore(await azurite.NewTablesAsync());
        await store.MarkAsync([("carrier-a", July), ("carrier-b", July)], At, Ct);
        var read = (await store.ListAsync(Ct)).Items;

        await store.MarkAsync([("carrier-a", July)], At.AddHours(1), Ct); // a fact metered late during the close
        foreach (var mark in read)
        {
            await store.ClearAsync(mark, Ct);
        }

        await store.ClearAsync(read[0], Ct); // cleared or marked again: either way no error

        Assert.Equal(("carrier-a", At.AddHours(1)), Assert.Single((await store.ListAsync(Ct)).Items) is var m ? (m.Payer, m.MeteredAt) : default);
    }

    [Fact]
    public async Task ListAsync_RowThePlatformDidNotWrite_ListedApart()
    {
        var tables = await azurite.NewTablesAsync();
        var store = new LateUsageStore(tables);
        await store.MarkAsync([("carrier-a", July)], At, Ct);
        await tables.Facts.AddEntityAsync(new TableEntity("late", "202607|carrier-b") { ["Payer"] = "carrier-b", ["Month"] = "2026-08", ["MeteredAt"] = At }, Ct);

        var list = await store.ListAsync(Ct);

        Assert.Equal("carrier-a", Assert.Single(list.Items).Payer);
        Assert.Contains("not the month of this row's key", Assert.Single(list.Unreadable).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MarkAsync_MarkedAgain_KeepsTheFirstTimeAndTakesTheLast()
    {
        var store = new LateUsageStore(await azurite.NewTablesAsync());
        await store.MarkAsync([("carrier-a", July)], At, Ct);
        var first = Assert.Single((await store.ListAsync(Ct)).Items);

        await store.MarkAsync([("carrier-a", July)], At.AddDays(2), Ct);

        var again = Assert.Single((await store.ListAsync(Ct)).Items);
        Assert.Equal((At, At.AddDays(2)), (again.FirstMeteredAt, again.MeteredAt));
        Assert.NotEqual(first.ETag, again.ETag); // so a close that read the first marking still leaves this one
        await store.ClearAsync(first, Ct);
        Assert.Single((await store.ListAsync(Ct)).Items);
    }

    [Fact]
    public async Task MarkAsync_AfterTheMarkWasCleared_FirstMarkedAnew()
    {
        var store = new LateUsageStore(await azurite.NewTablesAsync());
        await store.MarkAsync([("carrier-a", July)], At, Ct);
        await store.ClearAsync(Assert.Single((await store.ListAsync(Ct)).Items), Ct);

        await store.MarkAsync([("carrier-a", July)], At.AddDays(2), Ct);

        var mark = Assert.Single((await store.ListAsync(Ct)).Items);
        Assert.Equal((At.AddDays(2), At.AddDays(2)), (mark.FirstMeteredAt, mark.MeteredAt));
    }

    [Fact]
    public async Task ListAsync_MarkWrittenBeforeTheFirstTimeWasKept_FirstIsTheLast()
    {
        var tables = await azurite.NewTablesAsync();
        var store = new LateUsageStore(tables);
        await tables.Facts.AddEntityAsync(new TableEntity("late", "202607|carrier-a") { ["Payer"] = "carrier-a", ["Month"] = "2026-07", ["MeteredAt"] = At }, Ct);

        var mark = Assert.Single((await store.ListAsync(Ct)).Items);

        Assert.Equal((At, At), (mark.FirstMeteredAt, mark.MeteredAt));
    }
}

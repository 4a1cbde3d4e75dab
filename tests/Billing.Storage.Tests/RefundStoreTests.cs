using Billing.Domain.Credits;

namespace Billing.Storage.Tests;

/// <summary>
/// <see cref="RefundStore.UnplacedOfCustomerAsync"/> on Azurite: the refunds that hold every burn of a customer while no invoice
/// is found for them, and what it does with a row someone with write access to storage changed.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class RefundStoreTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Customer cus_1: ch_b and ch_a unplaced, ch_c placed under an invoice, ch_e with no readable amount yet; cus_2: ch_d
    /// unplaced; ch_f names no customer.
    /// </summary>
    private static async Task<(BillingTables Tables, RefundStore Store)> RefundsAsync(AzuriteFixture azurite)
    {
        var tables = await azurite.NewTablesAsync();
        var store = new RefundStore(tables);
        foreach (var (charge, customer, refunded, problem) in new[]
        {
            ("ch_b", "cus_1", 500L, null), ("ch_a", "cus_1", 300L, null), ("ch_c", "cus_1", 200L, null),
            ("ch_e", "cus_1", 0L, "amount_refunded 8.5 is not a non-negative integer of minor units"), ("ch_d", "cus_2", 400L, null), ("ch_f", (string?)null, 100L, null),
        })
        {
            await store.RecordAsync(new IncomingRefund("evt_" + charge, charge, "pi_" + charge, null, customer, refunded, "USD", T0, problem), Ct);
        }

        var (placed, etag) = (await store.GetAsync("ch_c", Ct))!.Value;
        Assert.True(await store.TryPlaceAsync(placed, etag, "INV-carrier-tmo-202611", Ct));
        return (tables, store);
    }

    [Fact]
    public async Task UnplacedOfCustomerAsync_RefundsOfSeveralCustomersPlacedAndNot_OnlyThisCustomersUnplacedRefundsByCharge()
    {
        var (_, store) = await RefundsAsync(azurite);

        var unplaced = await store.UnplacedOfCustomerAsync("cus_1", Ct);

        Assert.Equal([("ch_a", 300L), ("ch_b", 500L)], unplaced.Select(r => (r.ChargeId, r.AmountRefundedMinor)));
        Assert.All(unplaced, r => Assert.Equal(("cus_1", null), (r.StripeCustomerId, r.InvoiceId)));
        Assert.Equal(["ch_d"], (await store.UnplacedOfCustomerAsync("cus_2", Ct)).Select(r => r.ChargeId));
        Assert.Empty(await store.UnplacedOfCustomerAsync("cus_nobody", Ct));
    }

    [Theory]
    [InlineData("ch_a", "At", "Edm.String found, Edm.DateTime expected")] // unplaced
    [InlineData("ch_c", "AmountRefundedMinor", "Edm.String found, Edm.Int64 expected")] // placed: where it is placed is unknown too
    public async Task UnplacedOfCustomerAsync_ARowOfTheCustomerCannotBeRead_ThrowsNamingItOtherCustomersStillRead(string charge, string property, string reason)
    {
        // Thrown, not passed over: the burn executor holds the customer's burns on it rather than sign as if nothing was refunded.
        var (tables, store) = await RefundsAsync(azurite);
        await tables.Refunds.UpdateEntityAsync(new TableEntity(RefundStore.Partition, charge) { [property] = "yesterday" }, ETag.All, TableUpdateMode.Merge, Ct);

        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => store.UnplacedOfCustomerAsync("cus_1", Ct));

        Assert.Contains($"row '{charge}'), property '{property}': {reason}", refused.Message, StringComparison.Ordinal);
        Assert.Equal(["ch_d"], (await store.UnplacedOfCustomerAsync("cus_2", Ct)).Select(r => r.ChargeId));
    }

    [Fact]
    public async Task UnplacedOfCustomerAsync_TheRowsCustomerItselfChangedToAnotherType_NotFoundButListedUnreadable()
    {
        // The service compares the filter's text with values of that type only, so the row is not the customer's any more as far
        // as the query can tell: it holds no burn of that customer; reconcile names it (RefundUnreadable from ListAllAsync).
        var (tables, store) = await RefundsAsync(azurite);
        await tables.Refunds.UpdateEntityAsync(new TableEntity(RefundStore.Partition, "ch_b") { ["StripeCustomerId"] = 1L }, ETag.All, TableUpdateMode.Merge, Ct);

        Assert.Equal(["ch_a"], (await store.UnplacedOfCustomerAsync("cus_1", Ct)).Select(r => r.ChargeId));
        var bad = Assert.Single((await store.ListAllAsync(Ct)).Unreadable);
        Assert.Equal("ch_b", bad.Id);
        Assert.Contains("property 'StripeCustomerId': Edm.Int64 found, Edm.String expected", bad.Reason, StringComparison.Ordinal);
    }
}

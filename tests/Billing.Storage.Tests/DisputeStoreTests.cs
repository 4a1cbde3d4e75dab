using Billing.Domain.Credits;

namespace Billing.Storage.Tests;

/// <summary>
/// <see cref="DisputeStore"/> on Azurite: one row per dispute that every delivery folds into, the same row whatever order Stripe's
/// events arrive in; a decided dispute is not reopened by an older word delivered late, and a redelivery changes nothing.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class DisputeStoreTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private static IncomingDispute Event(string evt, string type, string? status, int minute, long? amount = 1_000, string? problem = null) =>
        new(evt, type, "du_1", "ch_1", "pi_1", amount, "USD", status, "fraudulent", T0.AddMinutes(minute), problem);

    private static readonly IncomingDispute[] Lifecycle =
    [
        Event("evt_1", "charge.dispute.created", "needs_response", 0),
        Event("evt_2", "charge.dispute.funds_withdrawn", "needs_response", 1),
        Event("evt_3", "charge.dispute.updated", "under_review", 2),
        Event("evt_4", "charge.dispute.closed", "lost", 3),
    ];

    [Theory]
    [InlineData(new[] { 0, 1, 2, 3 })]
    [InlineData(new[] { 3, 2, 1, 0 })]
    [InlineData(new[] { 2, 3, 0, 1 })]
    [InlineData(new[] { 0, 3, 2, 1 })]
    public async Task RecordAsync_LifecycleInAnyOrder_ConvergesOnTheClosedStatus(int[] order)
    {
        var store = new DisputeStore(await azurite.NewTablesAsync());

        foreach (int i in order)
        {
            await store.RecordAsync(Lifecycle[i], Ct);
        }

        var (record, _) = (await store.GetAsync("du_1", Ct))!.Value;
        Assert.Equal(("lost", "evt_4", "charge.dispute.closed", 1_000L, "USD", "ch_1", "pi_1"),
            (record.Status, record.EventId, record.EventType, record.AmountMinor, record.Currency, record.ChargeId, record.PaymentIntentId));
    }

    [Fact]
    public async Task RecordAsync_UpdatedDatedAfterTheClose_DoesNotReopenIt()
    {
        var store = new DisputeStore(await azurite.NewTablesAsync());
        await store.RecordAsync(Event("evt_won", "charge.dispute.closed", "won", 5), Ct);

        // Stripe's clocks differ by a second or two: an update made before the close may carry a later time.
        Assert.False(await store.RecordAsync(Event("evt_late", "charge.dispute.updated", "under_review", 6), Ct));

        Assert.Equal("won", (await store.GetAsync("du_1", Ct))!.Value.Record.Status);
    }

    [Fact]
    public async Task RecordAsync_RedeliveredEvent_ChangesNothing()
    {
        var store = new DisputeStore(await azurite.NewTablesAsync());
        Assert.True(await store.RecordAsync(Lifecycle[0], Ct));
        var (_, etag) = (await store.GetAsync("du_1", Ct))!.Value;

        Assert.False(await store.RecordAsync(Lifecycle[0], Ct));

        Assert.Equal(etag, (await store.GetAsync("du_1", Ct))!.Value.ETag);
    }

    [Fact]
    public async Task RecordAsync_EventLackingItsAmountThenALaterReadableOne_ProblemKeptThenCleared()
    {
        var store = new DisputeStore(await azurite.NewTablesAsync());
        await store.RecordAsync(Event("evt_bad", "charge.dispute.created", "needs_response", 0, amount: null, problem: "amount is missing"), Ct);
        var (bad, _) = (await store.GetAsync("du_1", Ct))!.Value;
        Assert.Equal(("needs_response", 0L, "amount is missing", "evt_bad"), (bad.Status, bad.AmountMinor, bad.Problem, bad.ProblemEventId));

        await store.RecordAsync(Event("evt_ok", "charge.dispute.updated", "under_review", 1), Ct);

        var (ok, _) = (await store.GetAsync("du_1", Ct))!.Value;
        Assert.Equal(("under_review", 1_000L, (string?)null), (ok.Status, ok.AmountMinor, ok.Problem));
    }

    [Fact]
    public async Task OfPaymentAsync_DisputesByPaymentIntentOrCharge_OrdinalAndNoOthers()
    {
        var store = new DisputeStore(await azurite.NewTablesAsync());
        await store.RecordAsync(Event("evt_a", "charge.dispute.created", "needs_response", 0) with { DisputeId = "du_b" }, Ct);
        await store.RecordAsync(Event("evt_b", "charge.dispute.created", "needs_response", 0) with { DisputeId = "du_a", ChargeId = "ch_2", PaymentIntentId = null }, Ct);
        await store.RecordAsync(Event("evt_c", "charge.dispute.created", "needs_response", 0) with { DisputeId = "du_c", ChargeId = "ch_3", PaymentIntentId = "pi_3" }, Ct);

        Assert.Equal(["du_b"], await store.OfPaymentAsync("pi_1", Ct));
        Assert.Equal(["du_a"], await store.OfPaymentAsync("ch_2", Ct));
        Assert.Empty(await store.OfPaymentAsync("pi_none", Ct));
    }

    [Fact]
    public async Task UnplacedSinceAsync_PlacedOlderAndUnreadableRows_LeftOut()
    {
        var tables = await azurite.NewTablesAsync();
        var store = new DisputeStore(tables);
        IncomingDispute Of(string id, int minute) => new("evt_" + id, "charge.dispute.created", id, "ch_" + id, "pi_" + id, 1_000, "USD", "needs_response", "fraudulent", T0.AddMinutes(minute));
        foreach (var e in new[] { Of("du_unplaced", 10), Of("du_placed", 10), Of("du_older", -10) })
        {
            await store.RecordAsync(e, Ct);
        }

        var (placed, etag) = (await store.GetAsync("du_placed", Ct))!.Value;
        Assert.True(await store.TryPlaceAsync(placed, etag, "INV-carrier-a-202610", Ct));
        await tables.Refunds.UpsertEntityAsync(new TableEntity(DisputeStore.Partition, "du_planted") { ["At"] = T0.AddMinutes(10), ["AmountMinor"] = "lots" });

        var unplaced = await store.UnplacedSinceAsync(T0, Ct);

        Assert.Equal(["du_unplaced"], unplaced.Select(d => d.DisputeId));
    }
}

namespace Billing.Application.Tests.Burns;

/// <summary>
/// A burn row is no authority on what to burn (BurnExecutor.Sources.cs): one planted or rewritten in storage, for more than its
/// invoice's payments leave, for an invoice or payment that does not exist, or as a second burn of an invoice, is held and
/// reported, never signed; the tokens follow from the derived amount and a quote the executor obtained itself, whatever
/// price and token amount the row stores. A refund of what a customer overpaid returns the overpayment, not revenue.
/// </summary>
public class BurnExecutorSourcesTests(BurnChainFixture chain) : IClassFixture<BurnChainFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static async Task<IReadOnlyList<AuditProblem>> ReconcileAsync(BurnHarness h) =>
        (await ReconcileOnlyLedger.AuditOver(h.Tables).ReconcileAsync(Ct)).Mismatches;

    /// <summary>Runs the executor twice and checks <paramref name="burnId"/> is held with <paramref name="reason"/>, nothing signed or burned.</summary>
    private static async Task<BurnIntent> AssertHeldAsync(BurnHarness h, string burnId, string reason)
    {
        ulong supply = await h.SupplyAsync();
        await h.NewExecutor().RunAsync(Ct);
        await h.NewExecutor().RunAsync(Ct);

        var held = await h.GetAsync(burnId);
        Assert.Equal((BurnStatus.Held, (string?)null, 0), (held.Status, held.Signature, held.Signings));
        Assert.Contains(reason, held.Reason, StringComparison.Ordinal);
        Assert.Equal(supply, await h.SupplyAsync());
        return held;
    }

    [Fact]
    public async Task RunAsync_PlantedRowForMoreThanItsInvoiceLeaves_HeldNotSignedAndReported()
    {
        var h = await BurnHarness.NewAsync(chain);
        var planted = await PaidBurns.CreateAsync(h.Tables, 12_345, pending => pending with { UsdMinor = 99_999 });

        var held = await AssertHeldAsync(h, planted.Id, $"the row converts 99999 minor units, but the payments of {planted.InvoiceId} leave 12345 to burn");

        Assert.Equal(99_999L, held.UsdMinor); // not corrected: the row was not written by this platform
        Assert.Contains(await ReconcileAsync(h), p => p.Kind == "BurnExceedsInvoice" && p.Subject == planted.Id);
    }

    [Fact]
    public async Task RunAsync_PlantedRowForAnInvoiceThatDoesNotExist_HeldNotSignedAndReported()
    {
        var h = await BurnHarness.NewAsync(chain);
        string ghost = PaidBurns.NewInvoiceId();
        var planted = (await h.Burns.CreateIfAbsentAsync(SampleBurns.Pending(BurnIntent.IdFor(ghost), ghost, 12_345, DateTimeOffset.UtcNow), Ct)).Intent;

        await AssertHeldAsync(h, planted.Id, $"invoice {ghost} does not exist");

        Assert.Contains(await ReconcileAsync(h), p => p.Kind == "BurnForUnknownInvoice" && p.Subject == planted.Id);
    }

    [Fact]
    public async Task RunAsync_PlantedSecondBurnOfAPaidInvoice_HeldNotSignedAndReported()
    {
        var h = await BurnHarness.NewAsync(chain);
        var real = await h.CreateIntentAsync();
        await h.NewExecutor().RunAsync(Ct);
        await h.NewExecutor().RunAsync(Ct);
        Assert.Equal(BurnStatus.Finalized, (await h.GetAsync(real.Id)).Status);
        var again = SampleBurns.Pending("burn-again-" + real.InvoiceId, real.InvoiceId, real.UsdMinor, DateTimeOffset.UtcNow) with { PaymentId = real.PaymentId };
        var second = (await h.Burns.CreateIfAbsentAsync(again, Ct)).Intent;

        await AssertHeldAsync(h, second.Id, $"is not the burn of {real.InvoiceId} (burn-{real.InvoiceId})");

        Assert.Contains(await ReconcileAsync(h), p => p.Kind == "BurnRowMismatch" && p.Subject == second.Id);
    }

    [Fact]
    public async Task RunAsync_PlantedRowNamingAPaymentNotRecorded_HeldNotSignedAndReported()
    {
        var h = await BurnHarness.NewAsync(chain);
        var planted = await PaidBurns.CreateAsync(h.Tables, 12_345, pending => pending with { PaymentId = "evt_planted" });

        await AssertHeldAsync(h, planted.Id, $"payment evt_planted is not recorded as applied to {planted.InvoiceId}");

        Assert.Contains(await ReconcileAsync(h), p => p.Kind == "BurnRowMismatch" && p.Subject == planted.Id);
    }

    [Fact]
    public async Task RunAsync_RowStoresAnotherPriceAndTokenAmount_BurnsWhatTheAmountBuysAtTheFeedsPrice()
    {
        var h = await BurnHarness.NewAsync(chain);
        var cheap = PriceQuote.Parse("0.01", DateTimeOffset.UtcNow, "planted");
        var intent = await PaidBurns.CreateAsync(h.Tables, 12_345, pending => pending with { Price = cheap, TokenAmount = 999_999_999_999, Decimals = 8 });
        ulong supply = await h.SupplyAsync();

        await h.NewExecutor().RunAsync(Ct);
        await h.NewExecutor().RunAsync(Ct);

        var burned = await h.AssertLandedOnceAsync(intent.Id, supply); // 123.45 USD at the feed's 2.50, not at the row's 0.01
        Assert.Equal("2.50", burned.Price!.ToString());
    }

    [Fact]
    public async Task RunAsync_Finalized_LedgerEntryCarriesTheFiatSideAndReconciles()
    {
        var h = await BurnHarness.NewAsync(chain);
        var intent = await h.CreateIntentAsync();
        ulong supply = await h.SupplyAsync();

        await h.NewExecutor().RunAsync(Ct);
        await h.NewExecutor().RunAsync(Ct);

        var burned = await h.AssertLandedOnceAsync(intent.Id, supply);
        var entry = Assert.Single(await h.Ledger.ReadAllAsync(LedgerEntries.MainBook, Ct), e => e.EntryId == "burn:" + intent.Id);
        Assert.Equal(("12345", "USD", "2.50", burned.Price!.Source, burned.PaymentId),
            (entry.Metadata["usdMinor"], entry.Metadata["currency"], entry.Metadata["price"], entry.Metadata["priceSource"], entry.Metadata["paymentId"]));
        Assert.DoesNotContain(await ReconcileAsync(h), p => p.Subject == intent.Id);
    }

    [Fact]
    public async Task RunAsync_OverpaymentRefunded_BurnNotHeldNorReducedAndNotReported()
    {
        var h = await BurnHarness.NewAsync(chain);
        var intent = await PaidBurns.CreateAsync(h.Tables, 12_345, paidMinor: 15_000);
        await RefundRows.PlacedAsync(h.Tables, new IncomingRefund("evt_" + Guid.NewGuid().ToString("N"), "ch_" + Guid.NewGuid().ToString("N")[..10], null, "in_" + intent.PaymentId, "cus_x", 2_655, "USD", DateTimeOffset.UtcNow), intent.InvoiceId);
        ulong supply = await h.SupplyAsync();

        await h.NewExecutor().RunAsync(Ct);
        await h.NewExecutor().RunAsync(Ct);

        await h.AssertLandedOnceAsync(intent.Id, supply); // the whole 123.45: the 26.55 refunded was the customer's overpayment
        Assert.DoesNotContain(await ReconcileAsync(h), p => p.Kind == "RefundWithoutCreditNote");
    }

    [Fact]
    public async Task ReleaseAsync_RefundedBeyondTheOverpayment_KeepsTheTotalLessOnlyWhatWentBeyond()
    {
        var h = await BurnHarness.NewAsync(chain);
        var intent = await PaidBurns.CreateAsync(h.Tables, 12_345, paidMinor: 15_000);
        await RefundRows.PlacedAsync(h.Tables, new IncomingRefund("evt_" + Guid.NewGuid().ToString("N"), "ch_" + Guid.NewGuid().ToString("N")[..10], null, "in_" + intent.PaymentId, "cus_x", 3_655, "USD", DateTimeOffset.UtcNow), intent.InvoiceId);
        var held = await AssertHeldAsync(h, intent.Id, "Stripe refunded 1000 minor units of USD");
        var releaser = Releasers.New(h.Tables);

        var result = await releaser.ReleaseAsync(held.Id, 11_345, "refunded 10.00 of revenue besides the overpayment", "finance-ops", Ct);

        Assert.Equal(BurnReleaseOutcome.Released, result.Outcome); // kept: 123.45 less the 10.00 beyond the 26.55 overpaid
        Assert.Contains("of 113.45 USD (11345 minor units) kept", result.Detail, StringComparison.Ordinal);
    }
}

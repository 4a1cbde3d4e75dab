namespace Billing.Application.Tests.Burns;

/// <summary>
/// Fault injection against the localnet: RPC errors after landing, timeouts, crashes between signing, sending and
/// recording, blockhash expiry. In every case exactly one burn lands and the intent ends finalized with its signature.
/// </summary>
public class BurnExecutorTests(BurnChainFixture chain) : IClassFixture<BurnChainFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private const ulong DefaultIntentTokens = BurnHarness.DefaultIntentTokens;

    private Task<BurnHarness> NewAsync(ulong balance = 1_000_000_000_000, string price = "2.50", TimeSpan? priceAge = null) =>
        BurnHarness.NewAsync(chain, balance, price, priceAge);

    private Task<(BurnHarness H, BurnIntent Intent, ulong Supply)> NewWithIntentAsync() => BurnHarness.NewWithIntentAsync(chain);

    private static Task<BurnIntent> AssertLandedOnceAsync(BurnHarness h, string intentId, ulong supplyBefore, ulong expectedAmount = DefaultIntentTokens) =>
        h.AssertLandedOnceAsync(intentId, supplyBefore, expectedAmount);

    [Fact]
    public async Task RunAsync_PaidInvoice_BurnsContractAmountOnceWithMemo()
    {
        var (h, intent, supply) = await NewWithIntentAsync();

        var summary = await h.NewExecutor().RunAsync(Ct);
        var again = await h.NewExecutor().RunAsync(Ct);

        var final = await AssertLandedOnceAsync(h, intent.Id, supply);
        Assert.Equal(1, summary.Finalized);
        Assert.Equal(0, again.Finalized);
        Assert.Equal("2.50", final.Price!.ToString());
        Assert.Equal(1, final.Signings);
        Assert.Equal(1_000_000_000_000UL - DefaultIntentTokens, await h.BalanceAsync());
    }

    [Fact]
    public async Task RunAsync_SendReturnsErrorAlthoughLanded_FinalizesWithoutSecondSend()
    {
        var (h, intent, supply) = await NewWithIntentAsync();
        await chain.Localnet.FailNextAsync("sendTransaction", "error-after-landing", Ct);

        await h.NewExecutor().RunAsync(Ct);

        var final = await AssertLandedOnceAsync(h, intent.Id, supply);
        Assert.Equal(1, final.Signings);
    }

    [Fact]
    public async Task RunAsync_SendTimesOutAfterLanding_FinalizesOnce()
    {
        var (h, intent, supply) = await NewWithIntentAsync();
        await chain.Localnet.FailNextAsync("sendTransaction", "timeout-after-landing", Ct, count: 3, delayMs: 4_000);

        await h.NewExecutor().RunAsync(Ct);
        var afterFirst = await h.GetAsync(intent.Id);
        if (afterFirst.Status != BurnStatus.Finalized)
        {
            await h.NewExecutor().RunAsync(Ct); // the timer's next run
        }

        var final = await AssertLandedOnceAsync(h, intent.Id, supply);
        Assert.Equal(1, final.Signings);
    }

    [Fact]
    public async Task RunAsync_CrashAfterSigningBeforeSending_ResumesWithTheSameBytes()
    {
        var (h, intent, supply) = await NewWithIntentAsync();
        var signed = await h.CrashAsync(CrashPoint.AfterSigning, intent.Id);
        Assert.Equal(BurnStatus.Signed, signed.Status);
        Assert.Equal(supply, await h.SupplyAsync()); // nothing sent
        await h.NewExecutor().RunAsync(Ct);

        var final = await AssertLandedOnceAsync(h, intent.Id, supply);
        Assert.Equal(signed.Signature, final.Signature);
        Assert.Equal(signed.Transaction, final.Transaction);
    }

    [Fact]
    public async Task RunAsync_CrashAfterSendingBeforeRecording_RecognisesTheLandedBurn()
    {
        var (h, intent, supply) = await NewWithIntentAsync();
        var sentButUnrecorded = await h.CrashAsync(CrashPoint.AfterSending, intent.Id);
        Assert.Equal(BurnStatus.Signed, sentButUnrecorded.Status);
        await h.NewExecutor().RunAsync(Ct);

        var final = await AssertLandedOnceAsync(h, intent.Id, supply);
        Assert.Equal(sentButUnrecorded.Signature, final.Signature);
        Assert.Equal(1, final.Signings);
    }

    [Fact]
    public async Task RunAsync_LedgerHeadUnreadableWhenTheBurnLands_StaysInFlightSendsNoOtherAndIsBookedOnceRepaired()
    {
        var (h, intent, supply) = await NewWithIntentAsync();
        var next = await h.CreateIntentAsync(usdMinor: 500);
        await h.Ledger.AppendAsync(LedgerEntries.MainBook, LedgerEntries.PaymentReceived("evt_1", "INV-carrier-tmo-202610", "carrier-tmo", 12_345, "USD", DateTimeOffset.UtcNow)!, Ct);
        string pk = LedgerStore.PartitionKey(LedgerEntries.MainBook);
        var head = (await h.Ledger.Table.GetEntityAsync<Azure.Data.Tables.TableEntity>(pk, LedgerStore.HeadRowKey)).Value;
        head["LastSequence"] = "1"; // planted: text where the platform writes a number
        await h.Ledger.Table.UpdateEntityAsync(head, head.ETag, Azure.Data.Tables.TableUpdateMode.Replace);

        await h.NewExecutor().RunAsync(Ct); // before: the run threw after marking the burn finalized, and it was never booked

        var landed = await h.GetAsync(intent.Id);
        Assert.Equal(BurnStatus.Submitted, landed.Status); // burned on chain, not yet booked: still open
        Assert.Equal(supply - DefaultIntentTokens, await h.SupplyAsync());
        Assert.Equal((BurnStatus.Pending, null), ((await h.GetAsync(next.Id)).Status, (await h.GetAsync(next.Id)).Signature));

        head = (await h.Ledger.Table.GetEntityAsync<Azure.Data.Tables.TableEntity>(pk, LedgerStore.HeadRowKey)).Value;
        head["LastSequence"] = 1L;
        await h.Ledger.Table.UpdateEntityAsync(head, head.ETag, Azure.Data.Tables.TableUpdateMode.Replace);
        await h.NewExecutor().RunAsync(Ct);

        var final = await h.GetAsync(intent.Id);
        Assert.Equal((BurnStatus.Finalized, landed.Signature, 1), (final.Status, final.Signature, final.Signings));
        var entries = await h.Ledger.ReadAllAsync(LedgerEntries.MainBook, Ct);
        Assert.Single(entries, e => e.EntryId == "burn:" + intent.Id);
        Assert.Empty(HashChain.Verify(entries));
        Assert.Equal(BurnStatus.Finalized, (await h.GetAsync(next.Id)).Status); // the one behind it goes on once the first is booked
        Assert.Single(entries, e => e.EntryId == "burn:" + next.Id);
        Assert.Equal(supply - DefaultIntentTokens - (await h.GetAsync(next.Id)).TokenAmount, await h.SupplyAsync());
    }

    [Fact]
    public async Task RunAsync_BlockhashExpiredBeforeLanding_ReSignsOnceAndLandsOnce()
    {
        var (h, intent, supply) = await NewWithIntentAsync();
        var firstSigned = await h.CrashAsync(CrashPoint.AfterSigning, intent.Id);

        await chain.Localnet.AdminAsync("admin_expireBlockhashes", [], Ct);
        await h.NewExecutor().RunAsync(Ct);

        var final = await AssertLandedOnceAsync(h, intent.Id, supply);
        Assert.Equal(2, final.Signings);
        Assert.NotEqual(firstSigned.Signature, final.Signature);
        Assert.Null((await h.Rpc.GetSignatureStatusesAsync([firstSigned.Signature!], true, Ct)).Value[0]); // the first never landed
    }

    [Fact]
    public async Task RunAsync_InsufficientTreasuryBalance_StaysPendingWithReasonAndBurnsNothing()
    {
        var h = await NewAsync(balance: 1_000);
        var intent = await h.CreateIntentAsync();
        ulong supply = await h.SupplyAsync();

        var summary = await h.NewExecutor().RunAsync(Ct);

        var waiting = await h.GetAsync(intent.Id);
        Assert.Equal(BurnStatus.Pending, waiting.Status);
        Assert.Contains("insufficient treasury balance", waiting.Reason);
        Assert.Equal(1, summary.Waiting);
        Assert.Equal(supply, await h.SupplyAsync());
        Assert.Null(waiting.Signature);
    }

    [Fact]
    public async Task RunAsync_StalePrice_WaitsAndKeepsThePayment()
    {
        var h = await NewAsync(priceAge: TimeSpan.FromMinutes(11));
        var intent = await h.CreateIntentAsync();

        await h.NewExecutor().RunAsync(Ct);

        var waiting = await h.GetAsync(intent.Id);
        Assert.Equal(BurnStatus.Pending, waiting.Status);
        Assert.Contains("fresh price", waiting.Reason);
        Assert.Null(waiting.Price);
    }

    [Fact]
    public async Task RunAsync_AmountFloorsToZero_IsSkippedAndNothingSent()
    {
        var h = await NewAsync(price: "100000000000000");
        var intent = await h.CreateIntentAsync(usdMinor: 1);
        ulong supply = await h.SupplyAsync();

        await h.NewExecutor().RunAsync(Ct);

        var skipped = await h.GetAsync(intent.Id);
        Assert.Equal(BurnStatus.Skipped, skipped.Status);
        Assert.Equal(0UL, skipped.TokenAmount);
        Assert.Null(skipped.Signature);
        Assert.Equal(supply, await h.SupplyAsync());
    }

    [Fact]
    public async Task RunAsync_TwoExecutorsAtOnce_OnlyOneSendsAndTheBurnLandsOnce()
    {
        var (h, intent, supply) = await NewWithIntentAsync();

        var results = await Task.WhenAll(h.NewExecutor().RunAsync(Ct), h.NewExecutor().RunAsync(Ct));
        if ((await h.GetAsync(intent.Id)).Status != BurnStatus.Finalized)
        {
            await h.NewExecutor().RunAsync(Ct);
        }

        // Overlapping runs: one is refused the lease. On a loaded machine the first may finish before the second starts;
        // then the second holds the lease but finds the burn done. Either way only one of them burns.
        Assert.Contains(results, r => !r.LeaseHeld || r.Finalized == 0);
        var final = await AssertLandedOnceAsync(h, intent.Id, supply);
        Assert.Equal(1, final.Signings);
    }

    [Fact]
    public async Task RunAsync_UnexecutableIntentsAhead_FailWithReasonAndTheNextBurnStillLands()
    {
        // At 10^-8 USD a token (8 decimals) one minor unit buys 10^14 base units: amounts a paid invoice can hold reach both limits.
        var h = await NewAsync(balance: 1_000_000_000_000_000, price: "0.00000001");
        var overflow = await h.CreateIntentAsync(usdMinor: 1_000_000);  // 10^20 base units: more than a u64
        var unbookable = await h.CreateIntentAsync(usdMinor: 100_000); // 10^19: fits a u64, not the ledger's i64
        var zero = await h.CreateIntentAsync(usdMinor: 0);
        var good = await h.CreateIntentAsync(usdMinor: 1);
        ulong supply = await h.SupplyAsync();

        var summary = await h.NewExecutor().RunAsync(Ct);

        var failedOverflow = await h.GetAsync(overflow.Id);
        Assert.Equal(BurnStatus.Failed, failedOverflow.Status);
        Assert.Contains("overflow", failedOverflow.Reason, StringComparison.OrdinalIgnoreCase);
        var failedUnbookable = await h.GetAsync(unbookable.Id);
        Assert.Equal(BurnStatus.Failed, failedUnbookable.Status);
        Assert.Contains("more than the ledger can book", failedUnbookable.Reason, StringComparison.Ordinal);
        var failedZero = await h.GetAsync(zero.Id);
        Assert.Equal(BurnStatus.Failed, failedZero.Status);
        Assert.Contains("nothing to burn", failedZero.Reason, StringComparison.Ordinal);
        Assert.Equal(4, summary.Finalized); // three ended failed (done) and one finalized
        await AssertLandedOnceAsync(h, good.Id, supply, 100_000_000_000_000);
    }

    [Fact]
    public async Task RunAsync_AnotherIntentsRowHoldsAPlantedValue_BurnsThisOneAndReportsThatOneUnexecuted()
    {
        var (h, intent, supply) = await NewWithIntentAsync();
        var planted = await h.CreateIntentAsync(usdMinor: 500);
        await h.Tables.Burns.UpdateEntityAsync(
            new Azure.Data.Tables.TableEntity("burn", TableKey.Escape(planted.Id)) { ["UsdMinor"] = "500" }, Azure.ETag.All, Azure.Data.Tables.TableUpdateMode.Merge);

        var summary = await h.NewExecutor().RunAsync(Ct); // before: the list threw, and no intent burned on any run

        Assert.Equal(1, summary.Finalized);
        await AssertLandedOnceAsync(h, intent.Id, supply);
        var open = await h.Burns.ListOpenAsync(Ct);
        Assert.Empty(open.Items);
        var unreadable = Assert.Single(open.Unreadable);
        Assert.Equal(planted.Id, unreadable.Id);
        Assert.Contains("UsdMinor", unreadable.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_SentBurnsRowBecameUnreadable_SignsNoOtherUntilItIsRepaired()
    {
        var (h, intent, supply) = await NewWithIntentAsync();
        var sent = await h.CrashAsync(CrashPoint.AfterSending, intent.Id);
        var next = await h.CreateIntentAsync(usdMinor: 500);
        // As someone with write access to storage could: the sent burn's row made unreadable, so it is listed apart.
        await h.Tables.Burns.UpdateEntityAsync(
            new Azure.Data.Tables.TableEntity("burn", TableKey.Escape(intent.Id)) { ["UsdMinor"] = "12345" }, Azure.ETag.All, Azure.Data.Tables.TableUpdateMode.Merge);

        var summary = await h.NewExecutor().RunAsync(Ct); // before: the unreadable row was skipped and the next burn was signed and sent

        Assert.Equal((0, 1), (summary.Finalized, summary.Waiting));
        var waiting = await h.GetAsync(next.Id);
        Assert.Equal((BurnStatus.Pending, (string?)null, 0), (waiting.Status, waiting.Signature, waiting.Signings));
        Assert.True(Assert.Single((await h.Burns.ListOpenAsync(Ct)).Unreadable).MayBeInFlight);

        await h.Tables.Burns.UpdateEntityAsync(
            new Azure.Data.Tables.TableEntity("burn", TableKey.Escape(intent.Id)) { ["UsdMinor"] = 12_345L }, Azure.ETag.All, Azure.Data.Tables.TableUpdateMode.Merge);
        await h.NewExecutor().RunAsync(Ct);

        var final = await h.GetAsync(intent.Id);
        Assert.Equal((BurnStatus.Finalized, sent.Signature, 1), (final.Status, final.Signature, final.Signings));
        Assert.Equal(BurnStatus.Finalized, (await h.GetAsync(next.Id)).Status);
        Assert.Equal(supply - DefaultIntentTokens - (await h.GetAsync(next.Id)).TokenAmount, await h.SupplyAsync());
    }

    [Fact]
    public async Task RunAsync_TreasuryLeaseRowHoldsAPlantedValue_TakesTheLeaseOverAndBurns()
    {
        var (h, intent, supply) = await NewWithIntentAsync();
        // As someone with write access to storage could: another owner's lease whose expiry is text.
        await h.Tables.Burns.UpsertEntityAsync(
            new Azure.Data.Tables.TableEntity("lease", TableKey.Escape(h.TreasuryAta.ToString())) { ["Owner"] = "someone-else", ["ExpiresAt"] = "2099-01-01T00:00:00Z" },
            Azure.Data.Tables.TableUpdateMode.Replace);

        var summary = await h.NewExecutor().RunAsync(Ct); // before: every run threw InvalidOperationException, so nothing burned ever again

        Assert.Equal(1, summary.Finalized);
        await AssertLandedOnceAsync(h, intent.Id, supply);
    }
}

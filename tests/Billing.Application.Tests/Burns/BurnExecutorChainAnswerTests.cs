namespace Billing.Application.Tests.Burns;

/// <summary>
/// What the executor makes of the chain's answers: a status that is not final yet, a node answering without the status it
/// was asked for, and a landed transaction that is not the burn its row describes (a row changed by someone with write
/// access to storage). None of them may end a burn failed that can still land, sign a second burn, or book what did not burn.
/// </summary>
public class BurnExecutorChainAnswerTests(BurnChainFixture chain) : IClassFixture<BurnChainFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task RunAsync_FailedStatusNotFinalYet_IsNotMarkedFailedAndLandsOnce()
    {
        var (h, intent, supply) = await BurnHarness.NewWithIntentAsync(chain);
        // A failure seen at "processed" may be a fork the cluster drops; the same bytes can still land on the one it keeps.
        await chain.Localnet.AnswerNextAsync("getSignatureStatuses", JsonNode.Parse(
            """{"context":{"slot":1},"value":[{"slot":1,"confirmations":0,"err":{"InstructionError":[2,{"Custom":1}]},"status":{"Err":{"InstructionError":[2,{"Custom":1}]}},"confirmationStatus":"processed"}]}"""), Ct);

        await RunUntilSettledAsync(h, intent.Id); // before: the burn ended failed at once, and its payment was never burned

        var final = await h.AssertLandedOnceAsync(intent.Id, supply);
        Assert.Equal(1, final.Signings);
    }

    [Theory]
    [InlineData("""{"context":{"slot":1},"value":[]}""")]     // one status asked for, none answered: an answer that says nothing
    [InlineData("""{"context":{"slot":1},"value":[null]}""")] // behind one endpoint, a node lagging the one that answered the height
    public async Task RunAsync_ExpiredAndStatusAnswersThatProveNothing_NeitherReSignsNorBurnsTwice(string statuses)
    {
        var (h, intent, supply) = await BurnHarness.NewWithIntentAsync(chain);
        var sent = await h.CrashAsync(CrashPoint.AfterSending, intent.Id);
        await chain.Localnet.AdminAsync("admin_expireBlockhashes", [], Ct);
        await chain.Localnet.AnswerNextAsync("getSignatureStatuses", JsonNode.Parse(statuses), Ct, count: 2);

        await RunUntilSettledAsync(h, intent.Id); // before: taken as "never landed" once expired, re-signed, and burned twice

        var final = await h.AssertLandedOnceAsync(intent.Id, supply);
        Assert.Equal((sent.Signature, 1), (final.Signature, final.Signings));
    }

    [Theory]
    [InlineData("9223372036854775808", "more than storage holds")]       // in the localnet's JavaScript it stays past Int64
    [InlineData("4611686018427387904", "which the chain will not reach soon")] // expiry could never be proven
    [InlineData("1", "which the chain has passed")]                        // a node far behind: it could never land
    public async Task RunAsync_BlockhashValidToAnImplausibleHeight_SignsNothingWithItAndBurnsOnceLater(string lastValidBlockHeight, string reason)
    {
        var (h, intent, supply) = await BurnHarness.NewWithIntentAsync(chain);
        await chain.Localnet.AnswerNextAsync("getLatestBlockhash", JsonNode.Parse(
            $$$"""{"context":{"slot":1},"value":{"blockhash":"11111111111111111111111111111111","lastValidBlockHeight":{{{lastValidBlockHeight}}}}}"""), Ct);

        // Before: the first ended the burn failed (an overflow taken for a defect of the intent); the second signed a
        // transaction that never landed and never expired, in flight for ever, and no other burn was ever sent; the third
        // signed one that could never land, and signed again once its expiry was proven.
        await h.NewExecutor().RunAsync(Ct);

        var waiting = await h.GetAsync(intent.Id);
        Assert.Equal((BurnStatus.Pending, 0), (waiting.Status, waiting.Signings));
        Assert.Contains(reason, waiting.Reason ?? "", StringComparison.Ordinal);
        await RunUntilSettledAsync(h, intent.Id);
        var final = await h.AssertLandedOnceAsync(intent.Id, supply);
        Assert.Equal(1, final.Signings);
    }

    [Fact]
    public async Task RunAsync_LandedButTheNodeDoesNotServeTheTransactionYet_SaysSoThenBooksOnce()
    {
        var (h, intent, supply) = await BurnHarness.NewWithIntentAsync(chain);
        await chain.Localnet.AnswerNextAsync("getTransaction", null, Ct);

        await h.NewExecutor().RunAsync(Ct);

        // Before: in flight with no reason, the treasury's other burns waiting on it, and nothing said why.
        var waiting = await h.GetAsync(intent.Id);
        Assert.False(waiting.IsTerminal);
        Assert.Contains("the RPC node does not serve transaction", waiting.Reason ?? "", StringComparison.Ordinal);
        await RunUntilSettledAsync(h, intent.Id);
        var final = await h.AssertLandedOnceAsync(intent.Id, supply);
        Assert.Null(final.Reason);
    }

    [Fact]
    public async Task RunAsync_SignedRowAmountChangedInStorage_BooksNothingUntilTheRowMatchesTheChain()
    {
        var (h, intent, supply) = await BurnHarness.NewWithIntentAsync(chain);
        await h.CrashAsync(CrashPoint.AfterSigning, intent.Id);
        var next = await h.CreateIntentAsync(usdMinor: 500);
        await PlantAsync(h, intent.Id, "TokenAmount", "1"); // the signed bytes burn 49.38 tokens, the row says 1 base unit

        await h.NewExecutor().RunAsync(Ct); // before: finalized, and the ledger booked 1 base unit burned

        var landed = await h.GetAsync(intent.Id);
        Assert.Equal(BurnStatus.Submitted, landed.Status);
        Assert.Contains("does not match", landed.Reason, StringComparison.Ordinal);
        Assert.Contains("amount", landed.Reason, StringComparison.Ordinal);
        Assert.Equal(supply - BurnHarness.DefaultIntentTokens, await h.SupplyAsync()); // it did burn, as signed
        Assert.DoesNotContain(await h.Ledger.ReadAllAsync(LedgerEntries.MainBook, Ct), e => e.EntryId == "burn:" + intent.Id);
        Assert.Null((await h.GetAsync(next.Id)).Signature); // in flight until it is booked: nothing else is signed

        await PlantAsync(h, intent.Id, "TokenAmount", BurnHarness.DefaultIntentTokens.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await h.NewExecutor().RunAsync(Ct);

        var behind = await h.GetAsync(next.Id); // booked now, so the one behind it went on too
        Assert.Equal(BurnStatus.Finalized, behind.Status);
        await h.AssertLandedOnceAsync(intent.Id, supply - behind.TokenAmount);
    }

    [Fact]
    public async Task RunAsync_SignatureOfAnotherBurnPlantedInTheRow_IsNotBookedAsBurned()
    {
        var (h, first, supply) = await BurnHarness.NewWithIntentAsync(chain);
        await h.NewExecutor().RunAsync(Ct);
        var landed = await h.AssertLandedOnceAsync(first.Id, supply);
        var second = await h.CreateIntentAsync();
        await h.CrashAsync(CrashPoint.AfterSigning, second.Id);
        await PlantAsync(h, second.Id, "Signature", landed.Signature!); // the first burn's transaction, same amount and mint

        await h.NewExecutor().RunAsync(Ct); // before: finalized and booked, though nothing was burned for it

        var planted = await h.GetAsync(second.Id);
        Assert.NotEqual(BurnStatus.Finalized, planted.Status);
        Assert.Contains("memo", planted.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(await h.Ledger.ReadAllAsync(LedgerEntries.MainBook, Ct), e => e.EntryId == "burn:" + second.Id);
        Assert.Equal(supply - BurnHarness.DefaultIntentTokens, await h.SupplyAsync());
    }

    [Fact]
    public async Task RunAsync_LedgerAlreadyHoldsTheBurnBookedOtherwise_HeldWithTheReasonAndNotBookedAgain()
    {
        var (h, intent, supply) = await BurnHarness.NewWithIntentAsync(chain);
        var sent = await h.CrashAsync(CrashPoint.AfterSending, intent.Id);
        // The book already holds this burn's entry with another amount (an earlier booking of a row changed since).
        await h.Ledger.AppendAsync(LedgerEntries.MainBook, LedgerEntries.TokensBurned(sent with { TokenAmount = 1 }, DateTimeOffset.UtcNow)!, Ct);

        await h.NewExecutor().RunAsync(Ct); // before: LedgerConflictException ended the run, and the burn said nothing

        var held = await h.GetAsync(intent.Id);
        Assert.False(held.IsTerminal);
        Assert.Contains("the ledger already books burn:" + intent.Id, held.Reason ?? "", StringComparison.Ordinal);
        Assert.Equal(supply - BurnHarness.DefaultIntentTokens, await h.SupplyAsync());
        var booked = Assert.Single(await h.Ledger.ReadAllAsync(LedgerEntries.MainBook, Ct), e => e.EntryId == "burn:" + intent.Id);
        Assert.Equal(1, booked.Postings.Where(p => p.Asset == Assets.Token && p.Amount > 0).Sum(p => p.Amount));
    }

    /// <summary>The executor's timer runs until the intent settles (a wait for a status that never comes ends a run).</summary>
    private static async Task RunUntilSettledAsync(BurnHarness h, string intentId)
    {
        for (int run = 0; run < 3 && !(await h.GetAsync(intentId)).IsTerminal; run++)
        {
            await h.NewExecutor().RunAsync(Ct);
        }
    }

    /// <summary>As someone with write access to storage could: one property of a burn row replaced.</summary>
    private static Task PlantAsync(BurnHarness h, string burnId, string property, string value) =>
        h.Tables.Burns.UpdateEntityAsync(new TableEntity("burn", TableKey.Escape(burnId)) { [property] = value }, Azure.ETag.All, TableUpdateMode.Merge);
}

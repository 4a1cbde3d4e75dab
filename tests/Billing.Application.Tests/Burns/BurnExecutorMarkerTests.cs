using Billing.Solana.Programs;
using Billing.Solana.Transactions;

namespace Billing.Application.Tests.Burns;

/// <summary>
/// What the chain itself proves about a burn's transactions, beyond what a node remembers: a node with a limited ledger
/// forgets old transactions, and its "no status" says nothing; the burn's marker account does not go away. Its own
/// localnet, since the history it prunes stays pruned for the fixture's client.
/// </summary>
public class BurnExecutorMarkerTests(BurnChainFixture chain) : IClassFixture<BurnChainFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task RunAsync_LandedBurnPrunedFromTheNodesHistory_NeitherReSignsNorBurnsTwice()
    {
        var (h, intent, supply) = await BurnHarness.NewWithIntentAsync(chain);
        var sent = await h.CrashAsync(CrashPoint.AfterSending, intent.Id); // it landed; the executor stopped before it saw so
        await chain.Localnet.AdminAsync("admin_expireBlockhashes", [], Ct);
        await chain.Localnet.PruneHistoryAsync(Ct); // days later, the node keeps no block that old

        await RunAsync(h, runs: 3); // before markers: expiry "proven", signed again, and burned twice

        Assert.Equal(supply - BurnHarness.DefaultIntentTokens, await h.SupplyAsync());
        var held = await h.GetAsync(intent.Id);
        Assert.False(held.IsTerminal);
        Assert.Equal((sent.Signature, 1), (held.Signature, held.Signings));
        Assert.Contains($"its marker {MarkerOf(h, intent).Address} is set on chain", held.Reason ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_UnlandedBurnExpiredOnANodeWithoutThatHistory_ReSignsOnTheMarkersAbsenceAndBurnsOnce()
    {
        var (h, intent, supply) = await BurnHarness.NewWithIntentAsync(chain);
        var signed = await h.CrashAsync(CrashPoint.AfterSigning, intent.Id); // signed and stored, never sent
        await chain.Localnet.AdminAsync("admin_expireBlockhashes", [], Ct);
        await chain.Localnet.PruneHistoryAsync(Ct);

        await RunAsync(h, runs: 3); // before: "expiry not provable: the RPC node's history starts at slot …", in flight for ever

        var final = await h.AssertLandedOnceAsync(intent.Id, supply);
        Assert.Equal(2, final.Signings);
        Assert.NotEqual(signed.Signature, final.Signature);
        var marker = await h.Rpc.GetAccountInfoAsync(MarkerOf(h, intent).Address, Commitment.Finalized, Ct);
        Assert.Equal(await h.Rpc.GetMinimumBalanceForRentExemptionAsync(BurnMarker.Space, Ct), marker!.Lamports);
        Assert.Equal((SystemProgram.ProgramIdKey.ToString(), 1), (marker.Owner, marker.Data.Length));
    }

    [Fact]
    public async Task RunAsync_MarkerAddressFundedBySomeoneElseFirst_BurnsOnceAnyway()
    {
        var (h, intent, supply) = await BurnHarness.NewWithIntentAsync(chain);
        await h.Rpc.RequestAirdropAsync(MarkerOf(h, intent).Address, 5_000_000, null, Ct); // anyone can send lamports to an address

        await RunAsync(h, runs: 2); // a marker made by creating the account failed on it and held the treasury for ever

        var final = await h.AssertLandedOnceAsync(intent.Id, supply);
        Assert.Equal(1, final.Signings);
    }

    [Theory]
    [InlineData(false, 0UL)]     // a proof of expiry that was wrong (a node that lost the status and lied about its history)
    [InlineData(true, 0UL)]      // the same, from someone with write access to storage, who also cleared what the row says was signed
    [InlineData(false, 1_000UL)] // with a priority fee, one more compute budget instruction before the marker
    public async Task RunAsync_LandedBurnSignedAgainByMistake_TheChainRefusesTheSecondBurn(bool clearSignature, ulong computeUnitPrice)
    {
        var (h, intent, supply) = await BurnHarness.NewWithIntentAsync(chain, computeUnitPrice);
        var sent = await h.CrashAsync(CrashPoint.AfterSending, intent.Id);
        await chain.Localnet.AdminAsync("admin_expireBlockhashes", [], Ct);
        var (row, etag) = (await h.Burns.GetAsync(intent.Id, Ct))!.Value;
        var pending = row with { Status = BurnStatus.Pending, Transaction = null, Reason = "expired unlanded" };
        Assert.NotNull(await h.Burns.TryReplaceAsync(clearSignature ? pending with { Signature = null, LastValidBlockHeight = null, Signings = 0 } : pending, etag, Ct));

        await RunAsync(h, runs: 3); // before markers: the second transaction burned the same tokens again

        Assert.Equal(supply - BurnHarness.DefaultIntentTokens, await h.SupplyAsync());
        var held = await h.GetAsync(intent.Id);
        Assert.False(held.IsTerminal);
        Assert.NotEqual(sent.Signature, held.Signature);
        Assert.Contains(MarkerOf(h, intent).Address.ToString(), held.Reason ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain(await h.Ledger.ReadAllAsync(LedgerEntries.MainBook, Ct), e => e.EntryId == "burn:" + intent.Id);
    }

    [Theory]
    // One lamport short of the marker's rent, the fee, the treasury's own minimum and the margin. Before: signed, refused in
    // preflight, and sent again until it expired.
    [InlineData("getBalance", """{"context":{"slot":1},"value":2293719}""",
        "2293719 lamports available, 2293720 needed (the burn marker's rent of 897840, the fee, the treasury's own rent-exempt 890880 and 500000 for other fees meanwhile); nothing was signed")]
    // Before: 1,000 SOL moved into an account nothing can ever empty.
    [InlineData("getMinimumBalanceForRentExemption", "1000000000000", "more than twice today's 897840 and 890880; nothing was signed")]
    public async Task RunAsync_TreasuryShortOfSolOrRentImplausible_SignsNothingSaysWhyAndBurnsOnceLater(string method, string answer, string reason)
    {
        var (h, intent, supply) = await BurnHarness.NewWithIntentAsync(chain);
        await chain.Localnet.AnswerNextAsync(method, JsonNode.Parse(answer), Ct);

        await h.NewExecutor().RunAsync(Ct);

        var waiting = await h.GetAsync(intent.Id);
        Assert.Equal((BurnStatus.Pending, 0), (waiting.Status, waiting.Signings));
        Assert.Contains(reason, waiting.Reason ?? "", StringComparison.Ordinal);
        await RunAsync(h, runs: 1);
        await h.AssertLandedOnceAsync(intent.Id, supply);
    }

    [Fact]
    public async Task RunAsync_NodeAnswersNoRentForTheMarker_FundsItAnywaySoItOutlivesItsTransaction()
    {
        var (h, intent, supply) = await BurnHarness.NewWithIntentAsync(chain);
        await chain.Localnet.AnswerNextAsync("getMinimumBalanceForRentExemption", JsonValue.Create(0), Ct, count: 2);

        await RunAsync(h, runs: 1); // before: a marker funded with nothing is gone when its transaction ends, and with it the proof

        await h.AssertLandedOnceAsync(intent.Id, supply);
        var marker = await h.Rpc.GetAccountInfoAsync(MarkerOf(h, intent).Address, Commitment.Finalized, Ct);
        Assert.Equal(897_840UL, marker?.Lamports);
    }

    [Theory]
    [InlineData("""{"InsufficientFundsForRent":{"account_index":0}}""", true)] // the treasury would have fallen below its own minimum
    [InlineData("""{"InstructionError":[1,{"Custom":1}]}""", true)]            // the marker's rent at its transfer: ResultWithNegativeLamports
    [InlineData("""{"InstructionError":[3,{"Custom":1}]}""", false)]           // the burn itself: insufficient tokens, a failure of the burn
    public async Task RunAsync_SignedBurnFailedOnChainForWantOfSol_GoesBackToPendingAndBurnsOnce(string error, bool signedAgain)
    {
        var (h, intent, supply) = await BurnHarness.NewWithIntentAsync(chain);
        var signed = await h.CrashAsync(CrashPoint.AfterSigning, intent.Id);
        await chain.Localnet.AnswerNextAsync("getSignatureStatuses", JsonNode.Parse(
            $$"""{"context":{"slot":1},"value":[{"slot":1,"confirmations":null,"err":{{error}},"status":{"Err":{{error}}},"confirmationStatus":"finalized"}]}"""), Ct);

        await RunAsync(h, runs: 2); // before: every such failure ended the burn failed, its payment never burned

        if (signedAgain)
        {
            var final = await h.AssertLandedOnceAsync(intent.Id, supply);
            Assert.Equal(2, final.Signings);
        }
        else
        {
            var failed = await h.GetAsync(intent.Id);
            Assert.Equal((BurnStatus.Failed, signed.Signature), (failed.Status, failed.Signature));
            Assert.Equal(supply, await h.SupplyAsync());
        }
    }

    [Fact]
    public async Task RunAsync_BurnSignedBeforeMarkersPrunedFromTheNodesHistory_ProvesExpiryFromHistoryAndWaits()
    {
        var (h, intent, supply) = await BurnHarness.NewWithIntentAsync(chain);
        using var treasury = chain.Localnet.LoadTreasury();
        byte decimals = (byte)(await h.Rpc.GetTokenSupplyAsync(h.Mint, Commitment.Confirmed, Ct)).Decimals;
        var blockhash = await h.Rpc.GetLatestBlockhashAsync(Commitment.Confirmed, Ct);
        var legacy = new TransactionBuilder().SetFeePayer(treasury).SetRecentBlockHash(blockhash.Blockhash)
            .AddInstruction(TokenProgram.BurnChecked(h.TreasuryAta, h.Mint, treasury.PublicKey, BurnHarness.DefaultIntentTokens, decimals))
            .AddInstruction(MemoProgram.NewMemo(intent.Memo, treasury.PublicKey))
            .BuildTransaction().Sign(treasury);
        var (row, etag) = (await h.Burns.GetAsync(intent.Id, Ct))!.Value;
        await h.Burns.TryReplaceAsync(row with
        {
            Status = BurnStatus.Submitted, TokenAmount = BurnHarness.DefaultIntentTokens, Decimals = decimals, Mint = h.Mint.ToString(),
            Transaction = Convert.ToBase64String(legacy.Serialize()), Signature = legacy.Id, LastValidBlockHeight = blockhash.LastValidBlockHeight, Signings = 1,
        }, etag, Ct);
        await h.Rpc.SendTransactionAsync(legacy.Serialize(), null, Ct); // it landed, carrying no marker
        await chain.Localnet.AdminAsync("admin_expireBlockhashes", [], Ct);
        await chain.Localnet.PruneHistoryAsync(Ct);

        await RunAsync(h, runs: 2); // without its marker, "unset" would prove nothing: the old proof, and its wait

        Assert.Equal(supply - BurnHarness.DefaultIntentTokens, await h.SupplyAsync());
        var held = await h.GetAsync(intent.Id);
        Assert.Equal((BurnStatus.Submitted, legacy.Id, 1), (held.Status, held.Signature, held.Signings));
        Assert.Contains("the RPC node's history starts at slot", held.Reason ?? "", StringComparison.Ordinal);
    }

    private BurnMarker MarkerOf(BurnHarness h, BurnIntent intent)
    {
        using var treasury = chain.Localnet.LoadTreasury();
        return BurnMarker.For(treasury, LedgerName.Resolve(null, h.Tables.Options.TablePrefix), intent.Id);
    }

    /// <summary>Executor runs, each after the blockhashes so far expired, so that every expiry can be proven.</summary>
    private async Task RunAsync(BurnHarness h, int runs)
    {
        for (int run = 0; run < runs; run++)
        {
            await h.NewExecutor().RunAsync(Ct);
            await chain.Localnet.AdminAsync("admin_expireBlockhashes", [], Ct);
        }
    }
}

using System.Text.Json.Nodes;

namespace Billing.Solana.Tests.Localnet;

/// <summary>
/// End-to-end against the LiteSVM localnet: real programs, real transaction bytes. On a localnet of its own: a test here
/// expires every blockhash (expiry is global to a localnet), which on the shared one fails other test runs' transactions.
/// </summary>
public sealed class LocalnetTests(PrivateLocalnetFixture localnet) : IClassFixture<PrivateLocalnetFixture>
{
    private const byte Decimals = 8;

    // Per test: xunit makes a new instance for every test.
    private readonly CancellationToken ct = TestTimeouts.Token();
    private readonly SolanaRpcClient rpc = localnet.CreateClient();

    [Fact]
    public async Task BootstrapInfo_TreasuryKeypair_OwnsFundedTreasuryTokenAccount()
    {
        using var treasury = localnet.LoadTreasury();

        Assert.Equal(localnet.Info.TreasuryOwner, treasury.PublicKey.ToString());
        Assert.Equal(
            localnet.Info.TreasuryTokenAccount,
            AssociatedTokenAccountProgram.DeriveAssociatedTokenAccount(treasury.PublicKey, new PublicKey(localnet.Info.Mint)).ToString());
        var balance = await rpc.GetTokenAccountBalanceAsync(new PublicKey(localnet.Info.TreasuryTokenAccount), null, ct);
        Assert.Equal(localnet.Info.Decimals, balance.Decimals);
        Assert.True(balance.Amount > 0);
        Assert.True(await rpc.GetBalanceAsync(treasury.PublicKey, null, ct) > 1_000_000_000UL);
        Assert.True(await rpc.GetHealthAsync(ct));
    }

    [Fact]
    public async Task PruneHistory_OneClient_SeesANodeWhoseHistoryStartsThereAndOthersKeepAll()
    {
        var signature = await rpc.RequestAirdropAsync(Keypair.Generate().PublicKey, 1_000_000UL, null, ct);
        await localnet.AdminAsync("admin_advanceBlockHeight", [2], ct);
        string tag = $"pruned-{Guid.NewGuid():N}";
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Add("x-localnet-client", tag);
        var pruned = new SolanaRpcClient(http, new SolanaRpcOptions { RpcUrl = localnet.RpcUrl });

        ulong first = (await localnet.AdminAsync("admin_pruneHistory", [null, tag], ct)).GetProperty("firstAvailableSlot").GetUInt64();

        Assert.Equal(first, await pruned.GetFirstAvailableBlockAsync(ct));
        Assert.Equal(first, await pruned.GetBlockHeightAtSlotAsync(first, Commitment.Finalized, ct));
        var cleanedUp = await Assert.ThrowsAsync<SolanaRpcException>(() => pruned.GetBlockHeightAtSlotAsync(first - 1, Commitment.Finalized, ct));
        Assert.Equal(-32001, cleanedUp.Code);
        Assert.Null((await pruned.GetSignatureStatusesAsync([signature], searchTransactionHistory: true, ct)).Value[0]);
        Assert.Null(await pruned.GetTransactionAsync(signature, null, ct));
        Assert.NotNull((await rpc.GetSignatureStatusesAsync([signature], searchTransactionHistory: true, ct)).Value[0]);
        Assert.Equal(0UL, await rpc.GetFirstAvailableBlockAsync(ct));
    }

    [Fact]
    public async Task BurnCheckedWithMemo_FreshMint_ReducesBalanceAndSupplyExactly()
    {
        using var treasury = localnet.LoadTreasury();
        using var owner = Keypair.Generate();
        var checker = new SignatureStatusChecker(rpc);
        var (mint, ata) = await localnet.CreateMintWithBalanceAsync(rpc, treasury, owner, 5_000_000_000UL, ct);

        const ulong burnAmount = 1_234_567_891UL;
        var memo = $"burn:invoice-{Guid.NewGuid():N}";
        var blockhash = await rpc.GetLatestBlockhashAsync(null, ct);
        var burnTx = new TransactionBuilder()
            .SetFeePayer(treasury)
            .SetRecentBlockHash(blockhash.Blockhash)
            .AddInstruction(ComputeBudgetProgram.SetComputeUnitLimit(100_000))
            .AddInstruction(TokenProgram.BurnChecked(ata, mint, owner.PublicKey, burnAmount, Decimals))
            .AddInstruction(MemoProgram.NewMemo(memo, owner.PublicKey))
            .Build(treasury, owner);
        var signature = await rpc.SendTransactionAsync(burnTx, null, ct);

        var check = await checker.WaitAsync(signature, blockhash.LastValidBlockHeight, Commitment.Confirmed, TimeSpan.FromMilliseconds(50), ct);
        Assert.Equal(SignatureOutcome.Landed, check.Outcome);
        Assert.Equal(5_000_000_000UL - burnAmount, (await rpc.GetTokenAccountBalanceAsync(ata, null, ct)).Amount);
        Assert.Equal(new TokenAmount(5_000_000_000UL - burnAmount, Decimals), await rpc.GetTokenSupplyAsync(mint, null, ct));

        var transaction = await rpc.GetTransactionAsync(signature, null, ct);
        Assert.NotNull(transaction?.Meta);
        Assert.Null(transaction.Meta.Error);
        Assert.Contains(transaction.Meta.LogMessages, line => line.Contains(memo, StringComparison.Ordinal));
        var pre = transaction.Meta.PreTokenBalances.Single(b => b.Mint == mint.ToString());
        var post = transaction.Meta.PostTokenBalances.Single(b => b.Mint == mint.ToString());
        Assert.Equal(burnAmount, pre.UiTokenAmount.Amount - post.UiTokenAmount.Amount);
        Assert.Equal(owner.PublicKey.ToString(), post.Owner);
        Assert.Equal(signature, transaction.Signatures[0]);
    }

    [Fact]
    public async Task BurnChecked_WrongDecimals_FailsPreflightWithMintDecimalsMismatch()
    {
        using var treasury = localnet.LoadTreasury();
        using var owner = Keypair.Generate();
        var (mint, ata) = await localnet.CreateMintWithBalanceAsync(rpc, treasury, owner, 1_000UL, ct);

        var blockhash = await rpc.GetLatestBlockhashAsync(null, ct);
        var bad = new TransactionBuilder()
            .SetFeePayer(treasury)
            .SetRecentBlockHash(blockhash.Blockhash)
            .AddInstruction(MemoProgram.NewMemo("wrong decimals"))
            .AddInstruction(TokenProgram.BurnChecked(ata, mint, owner.PublicKey, 10, Decimals - 2))
            .Build(treasury, owner);

        var ex = await Assert.ThrowsAsync<SolanaRpcException>(() => rpc.SendTransactionAsync(bad, null, ct));
        Assert.True(ex.IsPreflightFailure);
        Assert.Equal(TransactionErrorKind.InstructionError, ex.TransactionError!.Kind);
        Assert.Equal(1, ex.TransactionError.InstructionIndex);
        Assert.Equal((uint)TokenProgramError.MintDecimalsMismatch, ex.TransactionError.InstructionError!.CustomCode);
        Assert.NotEmpty(ex.Logs);
        Assert.Equal(1_000UL, (await rpc.GetTokenAccountBalanceAsync(ata, null, ct)).Amount);

        // Without preflight it lands as a failed transaction and the status carries the same error.
        var signature = await rpc.SendTransactionAsync(bad, new SendTransactionOptions(SkipPreflight: true), ct);
        var check = await new SignatureStatusChecker(rpc).CheckAsync(signature, ct);
        Assert.Equal(SignatureOutcome.Failed, check.Outcome);
        Assert.Equal(18u, check.Error!.InstructionError!.CustomCode);
    }

    [Fact]
    public async Task AllocateWithSeed_AccountAllocatedAlready_FailsTheWholeTransactionWhileFundingItBeforeDoesNot()
    {
        using var treasury = localnet.LoadTreasury();
        string seed = "marker-" + Guid.NewGuid().ToString("N")[..16];
        var marker = PublicKey.CreateWithSeed(treasury.PublicKey, seed, SystemProgram.ProgramIdKey);
        ulong rent = await rpc.GetMinimumBalanceForRentExemptionAsync(1, ct);
        await rpc.RequestAirdropAsync(marker, 2_000_000, null, ct); // anyone can fund an address: that must block nothing

        async Task<byte[]> MarkedMemoAsync(string memo)
        {
            var blockhash = await rpc.GetLatestBlockhashAsync(null, ct);
            return new TransactionBuilder().SetFeePayer(treasury).SetRecentBlockHash(blockhash.Blockhash)
                .AddInstruction(SystemProgram.Transfer(treasury.PublicKey, marker, rent))
                .AddInstruction(SystemProgram.AllocateWithSeed(marker, treasury.PublicKey, seed, 1, SystemProgram.ProgramIdKey))
                .AddInstruction(MemoProgram.NewMemo(memo, treasury.PublicKey))
                .Build(treasury);
        }

        var first = await rpc.SendTransactionAsync(await MarkedMemoAsync("first " + seed), null, ct);
        Assert.Equal(SignatureOutcome.Landed, (await new SignatureStatusChecker(rpc).CheckAsync(first, ct)).Outcome);
        var allocated = await rpc.GetAccountInfoAsync(marker, Commitment.Finalized, ct);
        Assert.Equal((2_000_000 + rent, SystemProgram.ProgramIdKey.ToString(), 1), (allocated!.Lamports, allocated.Owner, allocated.Data.Length));

        // A second transaction with the same marker is refused as a whole: its transfer and memo never happen.
        var second = await MarkedMemoAsync("second " + seed);
        var ex = await Assert.ThrowsAsync<SolanaRpcException>(() => rpc.SendTransactionAsync(second, null, ct));
        Assert.Equal(1, ex.TransactionError!.InstructionIndex);
        Assert.Equal(0u, ex.TransactionError.InstructionError!.CustomCode); // SystemError::AccountAlreadyInUse
        var landed = await rpc.SendTransactionAsync(second, new SendTransactionOptions(SkipPreflight: true), ct);
        Assert.Equal(SignatureOutcome.Failed, (await new SignatureStatusChecker(rpc).CheckAsync(landed, ct)).Outcome);
        Assert.Equal(2_000_000 + rent, (await rpc.GetAccountInfoAsync(marker, Commitment.Finalized, ct))!.Lamports);
    }

    [Fact]
    public async Task GetAccountState_MinContextSlotAheadOfTheNode_IsRefusedNotAnsweredOlder()
    {
        ulong slot = await rpc.GetSlotAsync(Commitment.Finalized, ct);
        var state = await rpc.GetAccountStateAsync(new PublicKey(localnet.Info.Mint), Commitment.Finalized, slot, ct);
        Assert.NotNull(state.Account);
        Assert.True(state.ContextSlot >= slot);

        var ex = await Assert.ThrowsAsync<SolanaRpcException>(() => rpc.GetAccountStateAsync(new PublicKey(localnet.Info.Mint), Commitment.Finalized, slot + 1_000_000, ct));
        Assert.Equal(-32016, ex.Code);
    }

    [Fact]
    public async Task SendTransaction_IdenticalResubmission_ThrowsAlreadyProcessed()
    {
        using var treasury = localnet.LoadTreasury();
        var (transaction, _) = await SignedMemoAsync(rpc, treasury, "once", ct);
        byte[] tx = transaction.Serialize();

        var signature = await rpc.SendTransactionAsync(tx, null, ct);
        var ex = await Assert.ThrowsAsync<SolanaRpcException>(() => rpc.SendTransactionAsync(tx, null, ct));

        Assert.Equal(TransactionErrorKind.AlreadyProcessed, ex.TransactionError!.Kind);
        Assert.Equal(SignatureOutcome.Landed, (await new SignatureStatusChecker(rpc).CheckAsync(signature, ct)).Outcome);
    }

    [Fact]
    public async Task SendTransaction_ExpiredBlockhash_DetectedByHeightAndRejectedAsBlockhashNotFound()
    {
        using var treasury = localnet.LoadTreasury();
        var checker = new SignatureStatusChecker(rpc);
        var (transaction, blockhash) = await SignedMemoAsync(rpc, treasury, "late", ct);

        var height = (await rpc.GetEpochInfoAsync(null, ct)).BlockHeight;
        var blocks = checked((int)(blockhash.LastValidBlockHeight - height + 1));
        await localnet.AdminAsync("admin_advanceBlockHeight", [blocks], ct);

        Assert.True((await rpc.GetEpochInfoAsync(null, ct)).BlockHeight > blockhash.LastValidBlockHeight);
        Assert.True(await checker.CanNeverLandAsync(transaction.Id!, blockhash.LastValidBlockHeight, ct));
        Assert.Equal(SignatureOutcome.NotFound, (await checker.CheckAsync(transaction.Id!, ct)).Outcome);
        var ex = await Assert.ThrowsAsync<SolanaRpcException>(() => rpc.SendTransactionAsync(transaction.Serialize(), null, ct));
        Assert.Equal(TransactionErrorKind.BlockhashNotFound, ex.TransactionError!.Kind);
    }

    [Fact]
    public async Task SendTransaction_ErrorAfterLanding_SignatureStatusShowsLanded()
    {
        using var treasury = localnet.LoadTreasury();
        var (transaction, _) = await SignedMemoAsync(rpc, treasury, "ambiguous", ct);
        await localnet.FailNextAsync("sendTransaction", "error-after-landing", ct);

        await Assert.ThrowsAsync<SolanaRpcException>(() => rpc.SendTransactionAsync(transaction.Serialize(), null, ct));

        var check = await new SignatureStatusChecker(rpc).CheckAsync(transaction.Id!, ct);
        Assert.Equal(SignatureOutcome.Landed, check.Outcome);
        Assert.Equal(Commitment.Finalized, check.Status!.ConfirmationStatus);
    }

    [Fact]
    public async Task GetEpochInfo_InjectedHttp500_IsRetried()
    {
        var before = await localnet.RequestCountAsync("getEpochInfo", ct);
        await localnet.FailNextAsync("getEpochInfo", "http500", ct, count: 2);

        Assert.True((await rpc.GetEpochInfoAsync(null, ct)).BlockHeight > 0);
        Assert.Equal(before + 3, await localnet.RequestCountAsync("getEpochInfo", ct));
    }

    [Fact]
    public async Task GetLatestBlockhash_InjectedTimeout_IsRetried()
    {
        var impatient = localnet.CreateClient(o => o.AttemptTimeout = TimeSpan.FromMilliseconds(500));
        var before = await localnet.RequestCountAsync("getLatestBlockhash", ct);
        await localnet.FailNextAsync("getLatestBlockhash", "timeout", ct, delayMs: 5000);

        var blockhash = await impatient.GetLatestBlockhashAsync(null, ct);

        Assert.NotEmpty(blockhash.Blockhash);
        Assert.Equal(before + 2, await localnet.RequestCountAsync("getLatestBlockhash", ct));
    }

    [Fact]
    public async Task GetSlot_InjectedJsonRpcError_IsNotRetried()
    {
        var before = await localnet.RequestCountAsync("getSlot", ct);
        await localnet.FailNextAsync("getSlot", "error", ct);

        var ex = await Assert.ThrowsAsync<SolanaRpcException>(() => rpc.GetSlotAsync(null, ct));

        Assert.Equal(-32603, ex.Code);
        Assert.Equal(before + 1, await localnet.RequestCountAsync("getSlot", ct));
    }

    [Fact]
    public async Task RequestAirdrop_NewAccount_CreditsExactLamports()
    {
        using var account = Keypair.Generate();

        var signature = await rpc.RequestAirdropAsync(account.PublicKey, 2_500_000_000UL, null, ct);

        Assert.Equal(2_500_000_000UL, await rpc.GetBalanceAsync(account.PublicKey, null, ct));
        Assert.Equal(SignatureOutcome.Landed, (await new SignatureStatusChecker(rpc).CheckAsync(signature, ct)).Outcome);
        Assert.Null(await rpc.GetAccountInfoAsync(Keypair.Generate().PublicKey, null, ct));
    }

    [Fact]
    public async Task SimulateTransaction_WrongDecimals_ReportsErrorWithoutLanding()
    {
        using var treasury = localnet.LoadTreasury();
        var mint = new PublicKey(localnet.Info.Mint);
        var blockhash = await rpc.GetLatestBlockhashAsync(null, ct);
        var tx = new TransactionBuilder().SetFeePayer(treasury).SetRecentBlockHash(blockhash.Blockhash)
            .AddInstruction(TokenProgram.BurnChecked(new PublicKey(localnet.Info.TreasuryTokenAccount), mint, treasury.PublicKey, 1, 3))
            .Build(treasury);

        var result = await rpc.SimulateTransactionAsync(tx, null, ct);

        Assert.Equal(18u, result.Error!.InstructionError!.CustomCode);
        Assert.NotEmpty(result.Logs);
        var info = await rpc.GetAccountInfoAsync(mint, null, ct);
        Assert.Equal(TokenProgram.ProgramIdKey.ToString(), info!.Owner);
        Assert.Equal(TokenProgram.MintAccountLength, info.Data.Length);
    }

    /// <summary>A memo transaction from the treasury on a fresh blockhash, signed; the memo is unique, so is the signature.</summary>
    private static async Task<(Transaction Transaction, LatestBlockhash Blockhash)> SignedMemoAsync(
        SolanaRpcClient rpc, Keypair treasury, string label, CancellationToken ct)
    {
        var blockhash = await rpc.GetLatestBlockhashAsync(null, ct);
        var transaction = new TransactionBuilder().SetFeePayer(treasury).SetRecentBlockHash(blockhash.Blockhash)
            .AddInstruction(MemoProgram.NewMemo($"{label}-{Guid.NewGuid():N}")).BuildTransaction().Sign(treasury);
        return (transaction, blockhash);
    }
}

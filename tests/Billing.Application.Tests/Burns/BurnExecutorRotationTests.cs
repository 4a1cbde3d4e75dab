using Billing.Solana.Programs;
using Billing.Solana.Transactions;

namespace Billing.Application.Tests.Burns;

/// <summary>
/// A change of the treasury key while a burn signed by the old key is in flight (<c>Billing:Burns:RetiredTreasuryOwners</c>):
/// landed, it is booked once; expired unlanded, the new key signs it again and it burns once; and the new key, whose marker
/// for the burn is another account than the old key's, never signs again a burn the old key landed. Its own localnet, since
/// these tests expire blockhashes and prune the node's history.
/// </summary>
public class BurnExecutorRotationTests(BurnChainFixture chain) : IClassFixture<BurnChainFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task RunAsync_OldKeyBurnLandedThenKeyChangedWithTheOldKeyListed_BooksItOnce()
    {
        var (h, intent, supply) = await BurnHarness.NewWithIntentAsync(chain);
        var sent = await h.CrashAsync(CrashPoint.AfterSending, intent.Id); // the old key's transaction landed; the executor never saw it
        var (keypair, _, _) = await h.NewOwnerWithTokensAsync(await h.BalanceAsync());

        await RunAsync(h.NewExecutorOf(keypair, [h.Treasury.PublicKey.ToString()]), runs: 1); // before: "the treasury … did not sign it", in flight for ever

        var final = await h.AssertLandedOnceAsync(intent.Id, supply);
        Assert.Equal((sent.Signature, 1, (string?)null), (final.Signature, final.Signings, final.Reason));
    }

    [Fact]
    public async Task RunAsync_OldKeyBurnLandedThenKeyChangedWithoutListingIt_StaysInFlightSayingToListItThenBooksOnceListed()
    {
        var (h, intent, supply) = await BurnHarness.NewWithIntentAsync(chain);
        var sent = await h.CrashAsync(CrashPoint.AfterSending, intent.Id);
        var next = await h.CreateIntentAsync(usdMinor: 500);
        var (keypair, owner, _) = await h.NewOwnerWithTokensAsync(await h.BalanceAsync());

        await h.NewExecutorOf(keypair, []).RunAsync(Ct);

        var held = await h.GetAsync(intent.Id);
        Assert.False(held.IsTerminal);
        Assert.Equal((sent.Signature, 1), (held.Signature, held.Signings));
        // Before: the reason ended at "did not sign it", and the README's way out was to put the old key back.
        Assert.Contains($"the treasury {owner.PublicKey} did not sign it", held.Reason ?? "", StringComparison.Ordinal);
        Assert.Contains($"{h.Treasury.PublicKey}, which signed it, was the treasury's owner before a key change, list it in Billing:Burns:RetiredTreasuryOwners", held.Reason ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain(await h.Ledger.ReadAllAsync(LedgerEntries.MainBook, Ct), e => e.EntryId == "burn:" + intent.Id);
        Assert.Null((await h.GetAsync(next.Id)).Signature); // in flight until it is booked: nothing else is signed
        Assert.Equal(supply - BurnHarness.DefaultIntentTokens, await h.SupplyAsync());

        await h.NewExecutorOf(keypair, [h.Treasury.PublicKey.ToString()]).RunAsync(Ct);

        var behind = await h.GetAsync(next.Id); // booked now, so the one behind it went on, signed by the new key
        Assert.Equal((BurnStatus.Finalized, 1), (behind.Status, behind.Signings));
        Assert.Equal(owner.PublicKey.ToString(), (await h.Rpc.GetTransactionAsync(behind.Signature!, Commitment.Confirmed, Ct))!.AccountKeys[0]);
        var final = await h.AssertLandedOnceAsync(intent.Id, supply - behind.TokenAmount);
        Assert.Equal((sent.Signature, 1), (final.Signature, final.Signings));
    }

    [Fact]
    public async Task RunAsync_OldKeyBurnLandedAndForgottenByTheNodeThenKeyChanged_IsNeverSignedAgainByTheNewKey()
    {
        var (h, intent, supply) = await BurnHarness.NewWithIntentAsync(chain);
        var sent = await h.CrashAsync(CrashPoint.AfterSending, intent.Id);
        var (keypair, owner, tokenAccount) = await h.NewOwnerWithTokensAsync(await h.BalanceAsync());
        ulong moved = (await h.Rpc.GetTokenAccountBalanceAsync(tokenAccount, Commitment.Confirmed, Ct)).Amount;
        await chain.Localnet.AdminAsync("admin_expireBlockhashes", [], Ct);
        await chain.Localnet.PruneHistoryAsync(Ct); // the node no longer knows the old key's transaction landed

        // The new key's marker for this burn is unset: an expiry "proven" with it, rather than with the old key's marker that
        // the stored bytes name, would sign the burn again and burn the new treasury's tokens a second time.
        await RunAsync(h.NewExecutorOf(keypair, [h.Treasury.PublicKey.ToString()]), runs: 3);

        Assert.Equal(supply - BurnHarness.DefaultIntentTokens, await h.SupplyAsync());
        Assert.Equal(moved, (await h.Rpc.GetTokenAccountBalanceAsync(tokenAccount, Commitment.Confirmed, Ct)).Amount);
        var held = await h.GetAsync(intent.Id);
        Assert.False(held.IsTerminal);
        Assert.Equal((sent.Signature, 1), (held.Signature, held.Signings));
        Assert.Contains($"its marker {MarkerOf(h, h.Treasury, intent).Address} is set on chain", held.Reason ?? "", StringComparison.Ordinal);
        Assert.Null(await h.Rpc.GetAccountInfoAsync(MarkerOf(h, owner, intent).Address, Commitment.Finalized, Ct));
    }

    [Fact]
    public async Task RunAsync_OldKeyBurnExpiredUnlandedThenKeyChanged_SignedAgainByTheNewKeyAndBurnedOnce()
    {
        var (h, intent, supply) = await BurnHarness.NewWithIntentAsync(chain);
        var signed = await h.CrashAsync(CrashPoint.AfterSigning, intent.Id); // signed by the old key, never sent
        var (keypair, owner, tokenAccount) = await h.NewOwnerWithTokensAsync(await h.BalanceAsync());
        ulong moved = (await h.Rpc.GetTokenAccountBalanceAsync(tokenAccount, Commitment.Confirmed, Ct)).Amount;
        await chain.Localnet.AdminAsync("admin_expireBlockhashes", [], Ct);

        await RunAsync(h.NewExecutorOf(keypair, [h.Treasury.PublicKey.ToString()]), runs: 3);

        var final = await h.AssertLandedOnceAsync(intent.Id, supply);
        Assert.Equal(2, final.Signings);
        Assert.NotEqual(signed.Signature, final.Signature);
        Assert.Equal(owner.PublicKey.ToString(), (await h.Rpc.GetTransactionAsync(final.Signature!, Commitment.Confirmed, Ct))!.AccountKeys[0]);
        Assert.Equal(moved - BurnHarness.DefaultIntentTokens, (await h.Rpc.GetTokenAccountBalanceAsync(tokenAccount, Commitment.Confirmed, Ct)).Amount);
        Assert.Null(await h.Rpc.GetAccountInfoAsync(MarkerOf(h, h.Treasury, intent).Address, Commitment.Finalized, Ct)); // its expiry was proven by it
        Assert.NotNull(await h.Rpc.GetAccountInfoAsync(MarkerOf(h, owner, intent).Address, Commitment.Finalized, Ct));
    }

    [Fact]
    public async Task RunAsync_LandedTransactionPaidByARetiredOwnerBurningWithAnotherAuthority_IsNotBooked()
    {
        // Listing a retired owner accepts what the executor signs with it (it pays for, signs and burns with the same key),
        // not any transaction it paid for: here another key burns its own tokens with the burn's memo.
        var (h, intent, supply) = await BurnHarness.NewWithIntentAsync(chain);
        var (_, other, otherTokens) = await h.NewOwnerWithTokensAsync(BurnHarness.DefaultIntentTokens);
        var (keypair, _, _) = await h.NewOwnerWithTokensAsync(await h.BalanceAsync());
        byte decimals = (byte)(await h.Rpc.GetTokenSupplyAsync(h.Mint, Commitment.Confirmed, Ct)).Decimals;
        var blockhash = await h.Rpc.GetLatestBlockhashAsync(Commitment.Confirmed, Ct);
        var foreign = new TransactionBuilder().SetFeePayer(h.Treasury).SetRecentBlockHash(blockhash.Blockhash)
            .AddInstruction(TokenProgram.BurnChecked(otherTokens, h.Mint, other.PublicKey, BurnHarness.DefaultIntentTokens, decimals))
            .AddInstruction(MemoProgram.NewMemo(intent.Memo, h.Treasury.PublicKey))
            .BuildTransaction().Sign(h.Treasury, other);
        var (row, etag) = (await h.Burns.GetAsync(intent.Id, Ct))!.Value;
        await h.Burns.TryReplaceAsync(row with
        {
            Status = BurnStatus.Submitted, TokenAmount = BurnHarness.DefaultIntentTokens, Decimals = decimals, Mint = h.Mint.ToString(),
            Transaction = Convert.ToBase64String(foreign.Serialize()), Signature = foreign.Id, LastValidBlockHeight = blockhash.LastValidBlockHeight, Signings = 1,
        }, etag, Ct);
        await h.LandAsync(await h.Rpc.SendTransactionAsync(foreign.Serialize(), null, Ct), blockhash.LastValidBlockHeight);

        await h.NewExecutorOf(keypair, [h.Treasury.PublicKey.ToString()]).RunAsync(Ct);

        var held = await h.GetAsync(intent.Id);
        Assert.False(held.IsTerminal);
        Assert.Contains($"it does not burn mint {h.Mint} with the authority of the treasury {h.Treasury.PublicKey}", held.Reason ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain(await h.Ledger.ReadAllAsync(LedgerEntries.MainBook, Ct), e => e.EntryId == "burn:" + intent.Id);
        Assert.Equal(supply - BurnHarness.DefaultIntentTokens, await h.SupplyAsync());
    }

    private static BurnMarker MarkerOf(BurnHarness h, Keypair treasury, BurnIntent intent) =>
        BurnMarker.For(treasury, LedgerName.Resolve(null, h.Tables.Options.TablePrefix), intent.Id);

    /// <summary>Executor runs, each after the blockhashes so far expired, so that every expiry can be proven.</summary>
    private async Task RunAsync(BurnExecutor executor, int runs)
    {
        for (int run = 0; run < runs; run++)
        {
            await executor.RunAsync(Ct);
            await chain.Localnet.AdminAsync("admin_expireBlockhashes", [], Ct);
        }
    }
}

namespace Billing.Application.Tests.Burns;

/// <summary>
/// A burn the ledger already books, whose finalized row was deleted and recreated pending (someone with write access to
/// storage, no treasury key): after a change of the treasury key its marker, derived from the new key, would not stop a
/// second burn, so the executor holds it on the ledger's word. The settling side is PaymentProcessorBookedBurnTests.
/// </summary>
public class BurnExecutorBookedBurnTests(BurnChainFixture chain) : IClassFixture<BurnChainFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task RunAsync_FinalizedRowRecreatedPendingAfterAKeyChange_HeldAndNeverBurnedTwice()
    {
        var (h, intent, supply) = await BurnHarness.NewWithIntentAsync(chain);
        await h.NewExecutor().RunAsync(Ct);
        var burned = await h.AssertLandedOnceAsync(intent.Id, supply);
        var (keypair, _, _) = await h.NewOwnerWithTokensAsync(await h.BalanceAsync());
        await h.Tables.Burns.DeleteEntityAsync("burn", intent.Id, cancellationToken: Ct);
        await h.Burns.CreateIfAbsentAsync(SampleBurns.Pending(intent.Id, intent.InvoiceId, intent.UsdMinor, DateTimeOffset.UtcNow), Ct); // the genuine amounts again

        await h.NewExecutorOf(keypair, [h.Treasury.PublicKey.ToString()]).RunAsync(Ct);

        var held = await h.GetAsync(intent.Id);
        Assert.Equal((BurnStatus.Held, (string?)null), (held.Status, held.Signature)); // before: signed by the new key and burned again
        Assert.Contains($"the ledger already books burn:{intent.Id}", held.Reason ?? "", StringComparison.Ordinal);
        Assert.Equal(supply - burned.TokenAmount, await h.SupplyAsync());
        Assert.Single(await h.Ledger.ReadAllAsync(LedgerEntries.MainBook, Ct), e => e.EntryId == "burn:" + intent.Id);
    }
}

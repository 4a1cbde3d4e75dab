using Billing.Reliability.Tests.Security;
using Billing.Solana.Keys;
using Billing.Solana.Rpc;

namespace Billing.Reliability.Tests.Faults;

/// <summary>
/// The Solana RPC becomes unreachable in the middle of a burn (right after the transaction went out, before the app
/// heard back) and comes back later: the burn resumes and lands exactly once.
/// The localnet keeps running (LiteSVM state lives in memory; a stopped localnet would lose the chain): the app
/// reaches it through a loopback TCP proxy that this test cuts and restores.
/// </summary>
[Collection(SecurityCollection.Name)]
public class BurnRpcOutageTests(SecurityFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task RpcCutRightAfterSendTransaction_RestoredLater_BurnResumesAndLandsOnce()
    {
        // An invoice of its own: tenant-lab's minimum commitment makes one for any ended month (forced: no usage that month).
        string period = SecurityFixture.PreviousPeriod(3, out string compact);
        var (closeStatus, closeBody) = await fixture.App.SendAsync(HttpMethod.Post, $"api/v1/periods/{period}/close?force=true", fixture.FinanceKey);
        output.WriteLine($"close {period}: {closeStatus}");
        string invoiceId = $"INV-tenant-lab-{compact}";
        long total = await fixture.InvoiceTotalMinorAsync(invoiceId);
        Assert.True(total > 0, closeBody);

        // Wait for any earlier burn of this fixture to be final, so supply changes are this burn's alone.
        await fixture.EnsurePaidAsync();
        var rpc = fixture.Localnet.CreateClient();
        var mint = new PublicKey(fixture.Localnet.Info.Mint);
        ulong supplyBefore = (await rpc.GetTokenSupplyAsync(mint, Commitment.Confirmed, CancellationToken.None)).Amount;

        fixture.Proxy.Mode = ProxyMode.CutAfterSend;
        var clock = Stopwatch.StartNew();
        try
        {
            string payload = fixture.InvoicePaidPayload(invoiceId, total);
            fixture.Stripe.MarkPaid("in_" + invoiceId, total, "usd", invoiceId); // Stripe confirms it before it is booked and burned
            var (status, body) = await fixture.PostWebhookAsync(payload, StripeWebhookSigner.Sign(payload, fixture.WebhookSecret, DateTimeOffset.UtcNow));
            Assert.True(status == 200, body?.ToJsonString());

            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (fixture.Proxy.Mode != ProxyMode.Refuse && DateTime.UtcNow < deadline) // the proxy cuts shortly after forwarding the send
            {
                await Task.Delay(100);
            }

            Assert.True(fixture.Proxy.SendsCut > 0, "the burn never sent its transaction");
            Assert.Equal(ProxyMode.Refuse, fixture.Proxy.Mode);
            await Task.Delay(TimeSpan.FromSeconds(12)); // two executor ticks against an unreachable RPC
            var during = Assert.Single(await fixture.BurnsAsync(invoiceId))!;
            Assert.NotEqual("finalized", during["status"]!.GetValue<string>()); // it cannot know yet
            Assert.NotEqual("failed", during["status"]!.GetValue<string>()); // an RPC error is never "not landed"
            output.WriteLine($"during outage: {during.ToJsonString()}");
        }
        finally
        {
            fixture.Proxy.Mode = ProxyMode.Open;
        }

        var burn = await fixture.WaitForBurnAsync(invoiceId, TimeSpan.FromSeconds(90));
        Assert.Equal("finalized", burn["status"]!.GetValue<string>());
        ulong tokens = ulong.Parse(burn["tokenAmount"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(checked((ulong)total * 100_000_000UL / 250UL), tokens);
        ulong supplyAfter = (await rpc.GetTokenSupplyAsync(mint, Commitment.Confirmed, CancellationToken.None)).Amount;
        Assert.Equal(supplyBefore - tokens, supplyAfter); // landed once: one burn's worth left the supply
        var tx = await rpc.GetTransactionAsync(burn["signature"]!.GetValue<string>(), Commitment.Confirmed, CancellationToken.None);
        Assert.Contains(tx!.Meta!.LogMessages, l => l.Contains($"billing:burn:v1:{invoiceId}:", StringComparison.Ordinal));
        output.WriteLine($"burn resumed after restore and finalized in {clock.Elapsed.TotalSeconds:0.0} s: {burn.ToJsonString()}");
    }
}

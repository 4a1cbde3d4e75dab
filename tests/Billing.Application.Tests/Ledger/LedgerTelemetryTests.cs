using System.Diagnostics.Metrics;
using Billing.Application.Telemetry;

namespace Billing.Application.Tests.Ledger;

/// <summary>
/// <c>billing.ledger.chain.silence</c> as a <see cref="MeterListener"/> sees it: seconds since the book's newest anchor or
/// heartbeat on chain, so an alert can tell a quiet book (heartbeats keep it low) from stalled anchoring. Other tests'
/// anchor services report on the same meter at the same time: only the measurements tagged with this test's own ledger
/// name count. Real Azurite and localnet; the service's clock is a fake one set against the chain's block times.
/// </summary>
public class LedgerTelemetryTests(BurnChainFixture chain) : IClassFixture<BurnChainFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>This ledger's value of the gauge now (null: none reported for it).</summary>
    private static double? Silence(string ledger)
    {
        using var silence = new BillingMeasurements<double>("billing.ledger.chain.silence",
            (_, tags) => tags.GetValueOrDefault("ledger") as string == ledger && tags.GetValueOrDefault("book") as string == LedgerEntries.MainBook);
        silence.Observe();
        return silence.All.Count > 0 ? silence.All[^1].Value : null;
    }

    [Fact]
    public async Task ChainSilence_QuietBook_SinceTheNewestAnchorThenHeartbeat()
    {
        var s = await LedgerTestSetup.NewAsync(chain, LedgerTestOptions.ShortHeartbeat());
        string ledger = s.Authority.LedgerName;
        await s.BookAndAnchorAsync(100);
        var key = (await s.Authority.GetAsync(Ct)).PublicKey;
        var anchorTime = Assert.Single((await new AnchorChainReader(s.Rpc).ReadBookAsync(key, ledger, LedgerEntries.MainBook, Ct)).Anchors).BlockTime!.Value;
        var clock = new FakeTimeProvider(anchorTime.AddSeconds(2));
        var anchoring = s.AnchoringAt(clock);

        var quiet = await anchoring.RunAsync(Ct);
        double? sinceAnchor = Silence(ledger);
        clock.Advance(TimeSpan.FromSeconds(8));
        double? beforeHeartbeat = Silence(ledger);
        var beat = await anchoring.RunAsync(Ct);
        clock.Advance(TimeSpan.FromSeconds(1));
        double? sinceHeartbeat = Silence(ledger);

        Assert.Equal(("nothing new to anchor", "heartbeat confirmed"), (quiet.Status, beat.Status));
        Assert.Equal(2, sinceAnchor); // before: no such gauge, only billing.ledger.anchor.age (anchors alone)
        Assert.Equal(10, beforeHeartbeat);
        Assert.Equal(1, sinceHeartbeat); // the heartbeat this run confirmed, where the anchor's age would read 11
    }
}

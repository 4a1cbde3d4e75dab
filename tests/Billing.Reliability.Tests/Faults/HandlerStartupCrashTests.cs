namespace Billing.Reliability.Tests.Faults;

/// <summary>
/// The handler crashes and each replacement dies during start-up, again and again: the DevHost answers 503 (never 500,
/// never a hang) while it has no handler, keeps restarting it with growing delays, and once one stays up health
/// recovers. A 503 leaves the outcome open (the handler may die after the hub confirmed the batch), so the partner
/// resends those batches once health is back, and every event is then metered exactly once: no more, no less.
/// </summary>
public class HandlerStartupCrashTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    private readonly OneCarrierPlatform platform = new(azurite.ConnectionString, "carrier-restart-1", "rel-restart-1-key-5e90", "rel-restart-finance-key-77c3");

    [Fact]
    public async Task HandlerKilledDuringStartUpRepeatedly_SupervisorRestartsWithBackoff_HealthRecoversAndResentEventsAreMeteredOnce()
    {
        await using var app = await platform.StartAsync();
        var (batches, distinct) = LoadTests.Stream(new EventFactory(91), platform.Carrier, "rs" + Guid.NewGuid().ToString("N")[..6], 6_000, batchSize: 300);
        var accepted = new HashSet<string>(StringComparer.Ordinal);
        var statuses = new List<int>();
        var refused = new List<string>();
        int next = 0;

        Task<int> PostAsync() => SendAsync(batches[next++]);

        async Task<int> SendAsync(string batch)
        {
            var clock = Stopwatch.StartNew();
            var (status, body) = await app.SendAsync(HttpMethod.Post, "api/v1/usage", platform.CarrierKey, AppHost.Batch(batch));
            Assert.True(status is 202 or 503, $"while the handler restarts a request gets 202 or 503, got {status}: {body}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"a request waited {clock.Elapsed} for a restarting handler");
            if (status == 202)
            {
                foreach (var e in JsonNode.Parse(batch)!.AsArray())
                {
                    accepted.Add(e!["id"]!.GetValue<string>());
                }
            }
            else
            {
                Assert.Equal(503, JsonNode.Parse(body)!["status"]!.GetValue<int>()); // a problem+json body, not an empty error
                refused.Add(batch);
            }

            statuses.Add(status);
            return status;
        }

        // Metering has work in flight when the first kill lands.
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(202, await PostAsync());
        }

        // The running handler dies, then four replacements die during start-up: on sight, or a moment into start-up.
        TimeSpan[] delays = [TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromMilliseconds(300), TimeSpan.Zero, TimeSpan.FromMilliseconds(600)];
        var outage = Stopwatch.StartNew();
        await using (var killer = new HandlerKiller(app.Host.HandlerAddress.Port, delays))
        {
            var health = new List<int>();
            while (!killer.Done.IsCompleted && next < batches.Count - 5)
            {
                Assert.True(outage.Elapsed < TimeSpan.FromMinutes(3), $"the killer did not finish: killed {killer.Killed.Count}");
                await PostAsync();
                var (h, _) = await app.SendAsync(HttpMethod.Get, "api/health", null);
                Assert.True(h is 200 or 503, $"health answered {h} while the handler restarts");
                health.Add(h);
                await Task.Delay(100);
            }

            await killer.Done;
            Assert.Equal(delays.Length, killer.Killed.Count);
            Assert.Contains(503, statuses.Concat(health)); // requests were answered while no handler was up
        }

        // Health recovers by itself: nobody restarts anything by hand.
        var recovery = Stopwatch.StartNew();
        while (true)
        {
            var (h, _) = await app.SendAsync(HttpMethod.Get, "api/health", null);
            if (h == 200)
            {
                break;
            }

            Assert.True(recovery.Elapsed < TimeSpan.FromSeconds(90), $"health still {h} {recovery.Elapsed} after the last kill");
            await Task.Delay(200);
        }

        var recovered = outage.Elapsed;
        while (next < batches.Count)
        {
            Assert.Equal(202, await PostAsync());
        }

        // What a partner does with a 503: send the same events again. Some of them may already be on the hub.
        foreach (string batch in refused)
        {
            Assert.Equal(202, await SendAsync(batch));
        }

        await app.DrainAsync(TimeSpan.FromMinutes(4));
        Assert.Equal(distinct.Count, accepted.Count);
        var expected = distinct.Values.ToList();
        await platform.AssertMeteredExactlyOnceAsync(app, expected);

        // Restarts were spaced by a growing delay, and the supervisor counted what it did.
        var waits = app.LogSnapshot()
            .Where(l => l.StartsWith("devhost: restarting the custom handler failed", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(l.LastIndexOf(" in ", StringComparison.Ordinal) + 4)..^2], CultureInfo.InvariantCulture))
            .ToList();
        Assert.True(waits.Count >= 2, $"expected failed restarts in the log, saw {waits.Count}");
        Assert.True(waits[^1] > waits[0], $"backoff did not grow: {string.Join(", ", waits)}");
        var handler = app.Host.Status()["handler"]!;
        Assert.Equal("running", handler["state"]!.GetValue<string>());
        Assert.True(handler["restarts"]!.GetValue<int>() >= 1);
        output.WriteLine($"{delays.Length} kills; recovered after {recovered.TotalSeconds:0.0} s; {statuses.Count(s => s == 503)} ingest requests answered 503; " +
            $"restart waits {string.Join(", ", waits)} s; {refused.Count} refused batches resent; {expected.Count} distinct events metered exactly; handler {handler.ToJsonString()}");
    }
}

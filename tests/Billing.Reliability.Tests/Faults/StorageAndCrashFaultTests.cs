namespace Billing.Reliability.Tests.Faults;

/// <summary>Storage outage and handler crash while the hubs are draining: nothing accepted is lost or counted twice.</summary>
[Collection(FaultCollection.Name)]
public class StorageAndCrashFaultTests(FaultFixture fixture, ITestOutputHelper output)
{
    private async Task<int> PostAsync(string key, string batch, bool tolerateFailure)
    {
        var (status, body) = await fixture.App.SendAsync(HttpMethod.Post, "api/v1/usage", key, AppHost.Batch(batch));
        if (status == 202)
        {
            Assert.Empty(JsonNode.Parse(body)!["rejected"]!.AsArray());
            return JsonNode.Parse(body)!["accepted"]!.GetValue<int>();
        }

        Assert.True(tolerateFailure, $"{status}: {body}");
        Assert.NotEqual(500, status); // an outage may refuse a request, but with a clear status
        return 0;
    }

    private Task AssertExactAsync(string carrier, IReadOnlyDictionary<string, GeneratedEvent> accepted) =>
        fixture.App.AssertMeteredExactlyOnceAsync(FaultFixture.FinanceKey, carrier, [.. accepted.Values]);

    [Fact]
    public async Task AzuriteStopped30sMidStream_RestartedOnSamePort_NoAcceptedEventLostOrDoubleCounted()
    {
        var app = fixture.App;
        var (batches, distinct) = LoadTests.Stream(new EventFactory(77), FaultFixture.AzuriteFaultCarrier, "az" + Guid.NewGuid().ToString("N")[..6], 9_000, batchSize: 500);
        int third = batches.Count / 3;
        var acceptedIds = new HashSet<string>(StringComparer.Ordinal);
        void Accept(string batch) { foreach (var e in JsonNode.Parse(batch)!.AsArray()) { acceptedIds.Add(e!["id"]!.GetValue<string>()); } }
        int failedBefore = app.MeterFailures();
        var clock = Stopwatch.StartNew();

        foreach (var b in batches.Take(third))
        {
            Assert.Equal(JsonNode.Parse(b)!.AsArray().Count, await PostAsync(FaultFixture.AzuriteFaultKey, b, tolerateFailure: false));
            Accept(b);
        }

        await Task.Delay(300); // metering is mid-batch
        await fixture.Azurite.StopAsync();
        var outageStarted = clock.Elapsed;
        int refusedDuringOutage = 0;
        foreach (var b in batches.Skip(third).Take(third))
        {
            if (await PostAsync(FaultFixture.AzuriteFaultKey, b, tolerateFailure: true) > 0)
            {
                Accept(b);
            }
            else
            {
                refusedDuringOutage++;
            }

            await Task.Delay(200);
        }

        var remaining = Soak.AzuriteOutage - (clock.Elapsed - outageStarted);
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining);
        }

        await fixture.Azurite.StartAsync();
        var outage = clock.Elapsed - outageStarted;
        foreach (var b in batches.Skip(2 * third))
        {
            Assert.Equal(JsonNode.Parse(b)!.AsArray().Count, await PostAsync(FaultFixture.AzuriteFaultKey, b, tolerateFailure: false));
            Accept(b);
        }

        await app.DrainAsync(TimeSpan.FromMinutes(4));
        var expected = distinct.Where(kv => acceptedIds.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        await AssertExactAsync(FaultFixture.AzuriteFaultCarrier, expected);
        Assert.True(app.MeterFailures() > failedBefore, "the outage should have failed at least one metering invocation (then retried)");
        output.WriteLine($"azurite outage {outage.TotalSeconds:0.0} s; {expected.Count} distinct accepted events ({refusedDuringOutage} batches refused during the outage); " +
            $"{app.MeterFailures() - failedBefore} failed invocations retried; total {clock.Elapsed.TotalSeconds:0.0} s");
    }


    [Fact]
    public async Task HandlerKilledMidBatch_HostRestartsIt_RedeliveryCountsOnce()
    {
        var app = fixture.App;
        var (batches, distinct) = LoadTests.Stream(new EventFactory(78), FaultFixture.KillFaultCarrier, "kl" + Guid.NewGuid().ToString("N")[..6], 12_000);
        int failedBefore = app.MeterFailures();
        long invocationsBefore = app.Host.Status()["invocations"]!.GetValue<long>();
        var clock = Stopwatch.StartNew();
        foreach (var b in batches)
        {
            Assert.Equal(JsonNode.Parse(b)!.AsArray().Count, await PostAsync(FaultFixture.KillFaultKey, b, tolerateFailure: false));
        }

        int kills = 0;
        for (int round = 0; round < 2; round++)
        {
            // Kill while metering invocations are in flight (bounded wait for one to start).
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline && app.Host.Status()["inFlight"]!.GetValue<int>() == 0)
            {
                await Task.Delay(10);
            }

            if (app.Host.Status()["idle"]!.GetValue<bool>())
            {
                break;
            }

            await Task.Delay(150);
            app.Host.KillHandler();
            kills++;
            await Task.Delay(3_000); // the host notices on retry and restarts the worker
        }

        await app.DrainAsync(TimeSpan.FromMinutes(4));
        Assert.True(await app.Host.WaitForHandlerAsync(TimeSpan.FromSeconds(60), CancellationToken.None), "the supervisor did not bring the handler back");
        await AssertExactAsync(FaultFixture.KillFaultCarrier, distinct);
        Assert.True(kills > 0, "the hubs drained before the handler could be killed");
        Assert.True(app.MeterFailures() > failedBefore, "killing the handler should have failed at least one invocation");
        var (health, _) = await app.SendAsync(HttpMethod.Get, "api/health", null);
        Assert.Equal(200, health);
        output.WriteLine($"killed {kills}x; {distinct.Count} distinct events; {app.MeterFailures() - failedBefore} failed invocations, " +
            $"{app.Host.Status()["invocations"]!.GetValue<long>() - invocationsBefore} invocations; {clock.Elapsed.TotalSeconds:0.0} s");
    }
}

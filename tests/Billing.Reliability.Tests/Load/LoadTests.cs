namespace Billing.Reliability.Tests.Load;

/// <summary>Many partners at once through the DevHost: every distinct accepted event is metered exactly once.</summary>
[Collection(LoadCollection.Name)]
public class LoadTests(LoadFixture fixture, ITestOutputHelper output)
{
    /// <summary>One partner's stream: batches of 1,000 events with ~5 % repeats (inside the batch and from earlier batches) and one whole batch resent.</summary>
    internal static (List<string> Batches, Dictionary<string, GeneratedEvent> Distinct) Stream(EventFactory factory, string source, string tag, int distinctCount, int batchSize = 1000)
    {
        var hotspots = Enumerable.Range(0, 16).Select(_ => factory.Hotspot()).ToArray();
        var distinct = new Dictionary<string, GeneratedEvent>(StringComparer.Ordinal);
        var all = new List<GeneratedEvent>();
        var batches = new List<string>();
        int repeatsPerBatch = batchSize / 20; // 5 %
        int made = 0;
        while (made < distinctCount)
        {
            var batch = new List<GeneratedEvent>(batchSize);
            int fresh = Math.Min(batchSize - repeatsPerBatch, distinctCount - made);
            for (int i = 0; i < fresh; i++, made++)
            {
                var e = factory.Carrier(source, $"{tag}-{source}-{made:D7}", hotspots[factory.Next(hotspots.Length)]);
                distinct[e.Id] = e;
                batch.Add(e);
            }

            all.AddRange(batch);
            for (int i = 0; i < repeatsPerBatch; i++)
            {
                var pool = i % 2 == 0 ? batch : all; // same-batch duplicates and resends of earlier batches
                batch.Insert(factory.Next(batch.Count + 1), pool[factory.Next(pool.Count)]);
            }

            batches.Add(EventFactory.BatchJson(batch));
        }

        if (batches.Count > 1)
        {
            batches.Insert(factory.Next(batches.Count) + 1, batches[factory.Next(batches.Count)]); // a client retry after a timeout
        }

        return (batches, distinct);
    }

    [Fact]
    public async Task Load_EightConcurrentPartners_FactsEqualDistinctAcceptedEventsExactly()
    {
        var app = fixture.App;
        int total = Soak.LoadEvents;
        int perPartner = total / LoadFixture.LoadCarriers;
        string tag = "ld" + Guid.NewGuid().ToString("N")[..6];
        var streams = Enumerable.Range(1, LoadFixture.LoadCarriers)
            .Select(i => Stream(new EventFactory(1000 + i), LoadFixture.CarrierId(i), tag, perPartner))
            .ToArray();
        int posted = streams.Sum(s => s.Batches.Sum(b => JsonNode.Parse(b)!.AsArray().Count));
        int failedBefore = app.MeterFailures();

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(1, LoadFixture.LoadCarriers).Select(i => Task.Run(async () =>
        {
            foreach (var batch in streams[i - 1].Batches)
            {
                var (status, body) = await app.SendAsync(HttpMethod.Post, "api/v1/usage", LoadFixture.CarrierKey(i), AppHost.Batch(batch));
                Assert.True(status == 202, $"{LoadFixture.CarrierId(i)}: {status} {body}");
                var answer = JsonNode.Parse(body)!;
                Assert.Empty(answer["rejected"]!.AsArray());
            }
        })));
        var ingestTime = clock.Elapsed;
        await app.DrainAsync(TimeSpan.FromMinutes(Soak.Enabled ? 20 : 5));
        var totalTime = clock.Elapsed;

        for (int i = 1; i <= LoadFixture.LoadCarriers; i++)
        {
            await app.AssertMeteredExactlyOnceAsync(LoadFixture.FinanceKey, LoadFixture.CarrierId(i), [.. streams[i - 1].Distinct.Values]);
        }

        Assert.Equal(failedBefore, app.MeterFailures()); // no metering invocation failed under load
        int distinctTotal = streams.Sum(s => s.Distinct.Count);
        output.WriteLine($"load: {distinctTotal} distinct events ({posted} posted incl. repeats) by {LoadFixture.LoadCarriers} partners; " +
            $"ingest {ingestTime.TotalSeconds:0.0} s, ingest+drain {totalTime.TotalSeconds:0.0} s, {distinctTotal / totalTime.TotalSeconds:0} events/s end to end");
        Console.WriteLine($"[reliability] load {distinctTotal} distinct / {posted} posted: ingest {ingestTime.TotalSeconds:0.0} s, total {totalTime.TotalSeconds:0.0} s");
    }
}

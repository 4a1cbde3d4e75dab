using Microsoft.AspNetCore.Http;

namespace Billing.Functions.Tests.Http;

/// <summary>One partner's requests in flight on a route are bounded; other partners are not held back by it.</summary>
public class PartnerGateTests
{
    private static readonly object Answered = new();

    private static async Task<(object? Result, HttpResponse Response)> RunAsync(PartnerGate gate, string partner, Task release)
    {
        var http = new DefaultHttpContext();
        object? result = await gate.RunAsync(partner, http.Response, async () =>
        {
            await release;
            return Answered;
        });
        return (result, http.Response);
    }

    [Fact]
    public async Task RunAsync_OneMoreThanTheLimitInFlight_429WithRetryAfterOthersPass()
    {
        var gate = new PartnerGate(2);
        var release = new TaskCompletionSource();
        var first = RunAsync(gate, "carrier-tmo", release.Task);
        var second = RunAsync(gate, "carrier-tmo", release.Task);

        var (refused, response) = await RunAsync(gate, "carrier-tmo", Task.CompletedTask);
        var other = RunAsync(gate, "carrier-att", release.Task);

        Assert.Equal((429, "1"), (Assert.IsAssignableFrom<IStatusCodeHttpResult>(refused).StatusCode, response.Headers.RetryAfter.ToString()));
        Assert.Equal((2, 1), (gate.InFlight("carrier-tmo"), gate.InFlight("carrier-att")));

        release.SetResult();
        Assert.All(await Task.WhenAll(first, second, other), r => Assert.Same(Answered, r.Result));
        Assert.Equal((0, 0), (gate.InFlight("carrier-tmo"), gate.InFlight("carrier-att")));
        Assert.Same(Answered, (await RunAsync(gate, "carrier-tmo", Task.CompletedTask)).Result); // a place again once one answered
    }

    [Fact]
    public async Task RunAsync_RequestThatThrows_LeavesItsPlace()
    {
        var gate = new PartnerGate(1);

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await gate.RunAsync("carrier-tmo", new DefaultHttpContext().Response, () => throw new InvalidOperationException("storage")));

        Assert.Equal(0, gate.InFlight("carrier-tmo"));
        Assert.Same(Answered, (await RunAsync(gate, "carrier-tmo", Task.CompletedTask)).Result);
    }

    [Fact]
    public async Task RunAsync_ManyConcurrentRequests_NeverMoreThanTheLimitInside()
    {
        var gate = new PartnerGate(3);
        int inside = 0, most = 0, answered = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, 2_000), async (_, ct) =>
        {
            object? r = await gate.RunAsync("carrier-tmo", new DefaultHttpContext().Response, async () =>
            {
                int now = Interlocked.Increment(ref inside);
                InterlockedMax(ref most, now);
                await Task.Yield();
                Interlocked.Decrement(ref inside);
                return Answered;
            });
            if (ReferenceEquals(r, Answered))
            {
                Interlocked.Increment(ref answered);
            }
        });

        Assert.InRange(most, 1, 3);
        Assert.InRange(answered, 1, 2_000);
        Assert.Equal(0, gate.InFlight("carrier-tmo"));
    }

    // The document is what the endpoints generate (OpenApiDocumentTests): the usage route carries the gate.
    [Fact]
    public void UsageRoute_GatedPerPartner_Documents429()
    {
        var document = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "openapi.json")))!;

        Assert.NotNull(document["paths"]!["/api/v1/usage"]!["get"]!["responses"]!["429"]);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}

using Azure.Core;
using Azure.Core.Pipeline;

namespace Billing.Functions.Tests.Metering;

/// <summary>
/// The same tables through a client that, the first time a request's body contains a marker, runs <see cref="Meanwhile"/>
/// to its end before sending it: what another instance does between two of this one's storage calls, in a set order.
/// </summary>
internal sealed class PausingTables : TablesPolicy
{
    private readonly string marker;
    private int paused;

    private PausingTables(string marker) => this.marker = marker;

    /// <summary>What runs before the first request with the marker is sent.</summary>
    public Func<Task> Meanwhile { get; set; } = () => Task.CompletedTask;

    public static (BillingTables Tables, PausingTables Pause) Create(string connectionString, BillingTables real, string marker)
    {
        var pause = new PausingTables(marker);
        return (Through(connectionString, real, pause), pause);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (Volatile.Read(ref paused) == 0 && message.Request.Content is { } content)
        {
            using var body = new MemoryStream();
            await content.WriteToAsync(body, message.CancellationToken);
            if (Encoding.UTF8.GetString(body.ToArray()).Contains(marker, StringComparison.Ordinal) && Interlocked.Exchange(ref paused, 1) == 0)
            {
                await Meanwhile();
            }
        }

        await ProcessNextAsync(message, pipeline);
    }
}

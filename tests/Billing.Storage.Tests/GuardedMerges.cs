namespace Billing.Storage.Tests;

/// <summary>
/// Runs <see cref="Before"/> just before every merge guarded by an ETag (If-Match) is sent: e.g. another host writing the
/// row between a read and its merge, every time, or the service refusing the merge as Azure does where Azurite does not
/// (Azurite checks a merge's request, never the entity it makes).
/// </summary>
internal sealed class GuardedMerges : TablesPolicy
{
    private int count;

    /// <summary>What happens before each guarded merge (a change through a client without this policy, or a throw).</summary>
    public Func<Task>? Before { get; set; }

    /// <summary>How many guarded merges were about to be sent.</summary>
    public int Count => Volatile.Read(ref count);

    /// <summary>Options whose clients run <see cref="Before"/> before each guarded merge.</summary>
    public TableClientOptions Options()
    {
        var options = new TableClientOptions();
        options.AddPolicy(this, HttpPipelinePosition.PerCall);
        return options;
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (message.Request.Method == RequestMethod.Patch && message.Request.Headers.TryGetValue("If-Match", out string? etag) && etag != "*")
        {
            Interlocked.Increment(ref count);
            if (Before is { } before)
            {
                await before().ConfigureAwait(false);
            }
        }

        await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
    }
}

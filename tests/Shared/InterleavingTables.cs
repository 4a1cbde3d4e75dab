using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Billing.Storage;

namespace Billing.Tests.Shared;

/// <summary>
/// The same tables through a client that runs <c>meanwhile</c> right after the first storage request whose decoded
/// address contains <c>marker</c> got its answer (or after each of the first <c>times</c> such requests), or, created with
/// <see cref="CreateBefore"/>, right before the first such request is sent: another writer acting at an exact point of a
/// caller's work.
/// </summary>
internal sealed class InterleavingTables : TablesPolicy
{
    private readonly string marker;
    private readonly Func<Task> meanwhile;
    private readonly int times;
    private readonly bool beforeSending;
    private int fired;

    private InterleavingTables(string marker, Func<Task> meanwhile, int times, bool beforeSending = false)
    {
        this.marker = marker;
        this.meanwhile = meanwhile;
        this.times = times;
        this.beforeSending = beforeSending;
    }

    public bool Fired => Volatile.Read(ref fired) >= 1;

    /// <summary>How many matching requests were answered (<c>meanwhile</c> ran after the first <c>times</c> of them).</summary>
    public int Matched => Volatile.Read(ref fired);

    public static (BillingTables Tables, InterleavingTables Hook) Create(string connectionString, BillingTables real, string marker, Func<Task> meanwhile, int times = 1) =>
        Over(connectionString, real, new InterleavingTables(marker, meanwhile, times));

    /// <summary>Runs <paramref name="meanwhile"/> once, right before the first request whose decoded address contains <paramref name="marker"/> is sent.</summary>
    public static (BillingTables Tables, InterleavingTables Hook) CreateBefore(BillingTables real, string marker, Func<Task> meanwhile) =>
        Over(real.Options.ConnectionString!, real, new InterleavingTables(marker, meanwhile, 1, beforeSending: true));

    private static (BillingTables Tables, InterleavingTables Hook) Over(string connectionString, BillingTables real, InterleavingTables hook) =>
        (Through(connectionString, real, hook), hook);

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        bool matches = Uri.UnescapeDataString(message.Request.Uri.ToString()).Contains(marker, StringComparison.Ordinal);
        if (beforeSending && matches && Interlocked.Increment(ref fired) <= times)
        {
            await meanwhile();
        }

        await ProcessNextAsync(message, pipeline);
        if (!beforeSending && matches && Interlocked.Increment(ref fired) <= times)
        {
            await meanwhile();
        }
    }
}

using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Billing.Storage;

namespace Billing.Tests.Shared;

/// <summary>
/// A hook in the storage client's pipeline that works asynchronously (the synchronous path waits on it), and the tables
/// seen through a client that carries it: what the tests that interleave, pause, refuse or count storage calls share.
/// </summary>
internal abstract class TablesPolicy : HttpPipelinePolicy
{
    public sealed override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    /// <summary>The tables of <paramref name="real"/> through a client with <paramref name="policy"/> (per call: outside the retry policy, unless told).</summary>
    public static BillingTables Through(string connectionString, BillingTables real, HttpPipelinePolicy policy, HttpPipelinePosition position = HttpPipelinePosition.PerCall)
    {
        var options = new TableClientOptions();
        options.AddPolicy(policy, position);
        return new BillingTables(new TableServiceClient(connectionString, options), real.Options);
    }
}

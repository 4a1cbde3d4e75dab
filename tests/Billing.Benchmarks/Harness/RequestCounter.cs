using Azure.Core;
using Azure.Core.Pipeline;

namespace Billing.Benchmarks.Harness;

/// <summary>
/// Counts the HTTP round trips a TableServiceClient makes (every attempt, retries included): entity-group transactions
/// (POST …/$batch) apart from everything else (point reads, queries pages, single writes). Benchmarks read the counts
/// before and after a step, so the step must be the only user of the client meanwhile. Transactions' bodies are
/// counted in bytes too (what the storage has to parse: docs/design.md §6, rollup rows written by delta).
/// </summary>
public sealed class RequestCounter : HttpPipelineSynchronousPolicy
{
    private long batches;
    private long others;
    private long batchBytes;

    public long Batches => Interlocked.Read(ref batches);

    public long Others => Interlocked.Read(ref others);

    public long Total => Batches + Others;

    /// <summary>Bytes of the transactions' request bodies (multipart, as sent).</summary>
    public long BatchBytes => Interlocked.Read(ref batchBytes);

    /// <summary>Client options that route every request of the client through this counter.</summary>
    public TableClientOptions Options()
    {
        var options = new TableClientOptions();
        options.AddPolicy(this, HttpPipelinePosition.PerRetry);
        return options;
    }

    public override void OnSendingRequest(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Request.Method == RequestMethod.Post && message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref batches);
            if (message.Request.Content?.TryComputeLength(out long length) == true)
            {
                Interlocked.Add(ref batchBytes, length);
            }
        }
        else
        {
            Interlocked.Increment(ref others);
        }
    }
}

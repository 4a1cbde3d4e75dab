namespace Billing.Storage.Tests;

/// <summary>The same tables through a client that counts the bytes of the responses storage sends it: what its reads cost.</summary>
internal sealed class ResponseBytes : TablesPolicy
{
    private long bytes;

    private ResponseBytes()
    {
    }

    public long Bytes => Interlocked.Read(ref bytes);

    public static (BillingTables Tables, ResponseBytes Counter) Create(string connectionString, BillingTables real)
    {
        var counter = new ResponseBytes();
        return (Through(connectionString, real, counter, HttpPipelinePosition.PerRetry), counter);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await ProcessNextAsync(message, pipeline);
        Interlocked.Add(ref bytes, message.Response.Content.ToMemory().Length);
    }
}

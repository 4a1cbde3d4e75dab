namespace Billing.Application.Tests.Rollups;

/// <summary>
/// The same tables through a client that "dies" at the N-th storage request: before sending it (nothing of it happened)
/// or after it succeeded (it happened, the caller never hears of it). The crash is an <see cref="OperationCanceledException"/>.
/// </summary>
internal sealed class CrashingTables : TablesPolicy
{
    private readonly int crashAt;
    private readonly bool afterSuccess;
    private int requests;

    private CrashingTables(int crashAt, bool afterSuccess)
    {
        this.crashAt = crashAt;
        this.afterSuccess = afterSuccess;
    }

    public bool Crashed { get; private set; }

    /// <summary>Storage requests seen so far (with a crash point beyond them, how many a clean run sends).</summary>
    public int Requests => Volatile.Read(ref requests);

    public static (BillingTables Tables, CrashingTables Crash) Create(string connectionString, BillingTables real, int crashAt, bool afterSuccess)
    {
        var crash = new CrashingTables(crashAt, afterSuccess);
        return (Through(connectionString, real, crash), crash); // outside the retry policy
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        bool hit = Interlocked.Increment(ref requests) == crashAt;
        if (hit && !afterSuccess)
        {
            Crashed = true;
            throw new OperationCanceledException("simulated crash before a storage request");
        }

        await ProcessNextAsync(message, pipeline);
        if (hit && !message.Response.IsError)
        {
            Crashed = true;
            throw new OperationCanceledException("simulated crash after a storage request succeeded");
        }
    }
}

namespace Billing.DevHost;

/// <summary>Work under way (requests, batches, timer runs), shared by the HTTP front and the trigger loops: idle means zero.</summary>
public sealed class InFlightCounter
{
    private int count;

    public int Count => Volatile.Read(ref count);

    public void Enter() => Interlocked.Increment(ref count);

    public void Leave() => Interlocked.Decrement(ref count);
}

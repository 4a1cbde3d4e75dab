namespace Billing.Application.Startup;

/// <summary>
/// This instance is configured with another fact shard count than the one its storage records (<see cref="FactShardsRecord"/>):
/// it must not start, since every fact it metered or read would be keyed and looked for in other partitions.
/// </summary>
public sealed class FactShardsMismatchException : InvalidOperationException
{
    public FactShardsMismatchException(int configured, int recorded, string location)
        : base($"Billing:Storage:FactShards is {configured}, but this deployment's facts are stored in {recorded} shards per payer (recorded at its first start in {location}). " +
            "The count is part of every fact's dedup key and where reads look for facts: with another count, redelivered events would be counted twice and stored facts " +
            $"left out of usage and closes. Set Billing:Storage:FactShards to {recorded} on every instance; another count needs new storage (another Billing:Storage:TablePrefix or account)")
    {
    }
}

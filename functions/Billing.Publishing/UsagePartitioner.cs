using System.Globalization;
using System.Security.Cryptography;
using Billing.Domain.Metering;

namespace Billing.Publishing;

/// <summary>
/// Derives the Event Hubs partition key of a usage event from its payer, so that each table partition of facts has
/// one writer (the one metering instance reading that hub partition).
/// <para>A payer's key is the payer itself: all of its fact shards go through one hub partition. A hot payer (listed
/// in <see cref="PublishingOptions.HotPayers"/>) is spread instead: its key is <c>{payer}|{shard}</c>, where shard is
/// <see cref="FactShard.Of"/> with the fact table's shard count, the same function that picks the fact partition
/// <c>{payer}|{shard}</c>. Either way, events of one fact partition share one key and so one hub partition; several
/// keys may share a hub partition, which only means one reader for both.</para>
/// <para>Keys are at most <see cref="MaxKeyChars"/> characters (the service limit): a longer payer is replaced by a
/// digest, which is as stable as the payer itself.</para>
/// </summary>
public sealed class UsagePartitioner
{
    /// <summary>Longest partition key the Event Hubs service accepts.</summary>
    public const int MaxKeyChars = 128;

    /// <summary>Room left for the payer in a hot payer's key (<c>|NN</c> follows).</summary>
    private const int MaxPayerChars = MaxKeyChars - 3;

    private readonly HashSet<string> hotPayers;
    private readonly int factShards;

    /// <param name="hotPayers">Payers whose events are spread over their fact shards.</param>
    /// <param name="factShards">The fact table's shards per payer (<c>Billing:Storage:FactShards</c>); must be the deployment's value.</param>
    public UsagePartitioner(IEnumerable<string> hotPayers, int factShards)
    {
        ArgumentNullException.ThrowIfNull(hotPayers);
        ArgumentOutOfRangeException.ThrowIfLessThan(factShards, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(factShards, FactShard.MaxShards);
        this.hotPayers = new HashSet<string>(hotPayers, StringComparer.Ordinal);
        this.factShards = factShards;
    }

    public bool IsHot(string payer) => hotPayers.Contains(payer);

    /// <summary>The partition key of the event <c>(source, id)</c> paid by <paramref name="payer"/>.</summary>
    public string PartitionKey(string payer, string source, string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(payer);
        string part = payer.Length <= MaxPayerChars ? payer : Digest(payer);
        if (!IsHot(payer))
        {
            return part;
        }

        int shard = FactShard.Of(source, id, factShards);
        return part + "|" + shard.ToString("D2", CultureInfo.InvariantCulture);
    }

    /// <summary>The publication of an accepted fact: its type's hub, its partition key, its raw event (UTF-8) and its type.</summary>
    public PublishedUsage Route(UsageFact fact, ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(fact);
        return new PublishedUsage(HubOf(fact), PartitionKey(fact.Payer, fact.Source, fact.Id), body, fact.Type);
    }

    /// <summary>The hub of a fact's type: one per built-in type, one for every declared type.</summary>
    public static UsageHub HubOf(UsageFact fact)
    {
        ArgumentNullException.ThrowIfNull(fact);
        return fact.IsCarrier ? UsageHub.CarrierOffload : fact.IsCompute ? UsageHub.ComputeUsage : UsageHub.DeclaredUsage;
    }

    /// <summary><c>#</c> and the SHA-256 (hex) of the payer: payer ids are shorter than this in practice (200 characters at most).</summary>
    private static string Digest(string payer) => "#" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(payer)));
}

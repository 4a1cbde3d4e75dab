using System.IO.Hashing;

namespace Billing.Domain.Metering;

/// <summary>
/// The shard of a usage event among its payer's fact partitions: a stable hash of <c>(source, id)</c> modulo the
/// deployment's shard count. The fact table keys its partitions by it (<c>{payer}|{shard}</c>), and publishing derives
/// the Event Hubs partition key from it, so every event of one fact partition travels through one hub partition and
/// that partition has one writer. The hash is part of the dedup key: it must never change.
/// </summary>
public static class FactShard
{
    /// <summary>Most shards a payer's facts may be spread over (two-digit partition-key suffixes).</summary>
    public const int MaxShards = 64;

    /// <summary>XxHash32 of UTF-8 <c>source NUL id</c>: stable across processes, machines and .NET versions.</summary>
    public static uint StableHash(string source, string id)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(id);
        int max = Encoding.UTF8.GetMaxByteCount(source.Length + id.Length + 1);
        byte[]? rented = max > 512 ? ArrayPool<byte>.Shared.Rent(max) : null;
        Span<byte> buffer = rented ?? stackalloc byte[512];
        int n = Encoding.UTF8.GetBytes(source, buffer);
        buffer[n++] = 0;
        n += Encoding.UTF8.GetBytes(id, buffer[n..]);
        uint hash = XxHash32.HashToUInt32(buffer[..n]);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return hash;
    }

    /// <summary>The shard (0 to <paramref name="shards"/> - 1) of the event <c>(source, id)</c>.</summary>
    public static int Of(string source, string id, int shards)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(shards, MaxShards);
        return (int)(StableHash(source, id) % (uint)shards);
    }
}

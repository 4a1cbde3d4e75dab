using System.Buffers.Binary;

namespace Billing.Application.Burns;

/// <summary>
/// Reads a Pyth (v2, push-oracle legacy layout) price account through the RPC client. Offsets of the fields used:
/// magic u32 @0 (0xa1b2c3d4), exponent i32 @20, timestamp i64 @96 (unix seconds of the aggregate),
/// aggregate price i64 @208, confidence u64 @216, status u32 @224 (1 = trading).
/// </summary>
public sealed class PythPriceOracle(ISolanaRpcClient rpc, PublicKey priceAccount) : IPriceOracle
{
    public const uint Magic = 0xa1b2c3d4;

    private static readonly long MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    public async Task<PriceQuote> GetQuoteAsync(CancellationToken cancellationToken)
    {
        var account = await rpc.GetAccountInfoAsync(priceAccount, Commitment.Confirmed, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Pyth price account {priceAccount} does not exist on this cluster");
        return Parse(account.Data, priceAccount.ToString());
    }

    public static PriceQuote Parse(ReadOnlySpan<byte> data, string source)
    {
        if (data.Length < 240 || BinaryPrimitives.ReadUInt32LittleEndian(data) != Magic)
        {
            throw new InvalidDataException($"{source} is not a Pyth price account");
        }

        int exponent = BinaryPrimitives.ReadInt32LittleEndian(data[20..]);
        long timestamp = BinaryPrimitives.ReadInt64LittleEndian(data[96..]);
        long price = BinaryPrimitives.ReadInt64LittleEndian(data[208..]);
        ulong confidence = BinaryPrimitives.ReadUInt64LittleEndian(data[216..]);
        uint status = BinaryPrimitives.ReadUInt32LittleEndian(data[224..]);
        if (status != 1 || price <= 0)
        {
            throw new InvalidDataException($"Pyth price {source} is not trading (status {status}, price {price})");
        }

        // The feed's data, not the burn's: a caller waits on these as on a halted market rather than failing what it prices.
        if (!PriceQuote.IsPriceExponent(exponent))
        {
            throw new InvalidDataException($"Pyth price {source} has exponent {exponent}, outside {PriceQuote.MinExponent}..{PriceQuote.MaxExponent}: no price");
        }

        if (timestamp < 0 || timestamp > MaxUnixSeconds)
        {
            throw new InvalidDataException($"Pyth price {source} has publish time {timestamp}, no time");
        }

        if (confidence > long.MaxValue)
        {
            throw new InvalidDataException($"Pyth price {source} has confidence {confidence}, beyond any price");
        }

        return new PriceQuote(price, exponent, (long)confidence, DateTimeOffset.FromUnixTimeSeconds(timestamp), "pyth:" + source);
    }
}

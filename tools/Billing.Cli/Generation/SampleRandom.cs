namespace Billing.Cli.Generation;

/// <summary>The generator's randomness: stable seeded streams and weighted picks.</summary>
internal static class SampleRandom
{
    /// <summary>Running sums of the weights, for <see cref="Pick"/>.</summary>
    public static long[] Cumulative(IReadOnlyList<long> weights)
    {
        var c = new long[weights.Count];
        long sum = 0;
        for (int i = 0; i < weights.Count; i++)
        {
            sum += weights[i];
            c[i] = sum;
        }

        return c;
    }

    /// <summary>An index drawn with probability proportional to its weight.</summary>
    public static int Pick(Random rng, long[] cumulative)
    {
        long r = rng.NextInt64(cumulative[^1]);
        int i = Array.BinarySearch(cumulative, r + 1);
        return i >= 0 ? i : ~i;
    }

    /// <summary>A standard normal sample (Box–Muller).</summary>
    public static double Normal(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble();
        double u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>An independent, stable stream per purpose (FNV-1a of seed and name; never string.GetHashCode).</summary>
    public static Random Rng(int seed, string stream)
    {
        uint hash = 2166136261;
        foreach (byte b in Encoding.UTF8.GetBytes(seed.ToString(CultureInfo.InvariantCulture) + "|" + stream))
        {
            hash = unchecked((hash ^ b) * 16777619);
        }

        return new Random(unchecked((int)hash));
    }

    /// <summary>Base58 ids of 32 pseudo-random bytes (like public keys) with Zipf-like weights <c>head / rank + floor</c>.</summary>
    public static (string[] Ids, long[] Cumulative) Keys(int seed, string stream, int count, long head, long floor)
    {
        var rng = Rng(seed, stream);
        var ids = new string[count];
        var weights = new long[count];
        var bytes = new byte[32];
        for (int i = 0; i < count; i++)
        {
            rng.NextBytes(bytes);
            ids[i] = SimpleBase.Base58.Bitcoin.Encode(bytes);
            weights[i] = (head / (i + 1)) + floor;
        }

        return (ids, Cumulative(weights));
    }
}

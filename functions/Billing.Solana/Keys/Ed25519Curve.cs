using System.Numerics;

namespace Billing.Solana.Keys;

/// <summary>
/// Partial Ed25519 point validation as done by the Solana runtime (curve25519-dalek decompression):
/// a 32-byte string is "on curve" when its y coordinate admits an x with -x² + y² = 1 + d·x²·y².
/// Deliberately no subgroup/canonical-encoding checks: full validation would reject keys the runtime accepts.
/// </summary>
internal static class Ed25519Curve
{
    // p = 2^255 - 19
    private static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;

    // d = -121665 / 121666 mod p
    private static readonly BigInteger D = Mod(-121665 * BigInteger.ModPow(121666, P - 2, P));

    private static readonly BigInteger LegendreExponent = (P - 1) / 2;

    public static bool IsOnCurve(ReadOnlySpan<byte> point)
    {
        if (point.Length != PublicKey.Length)
        {
            return false;
        }

        Span<byte> yBytes = stackalloc byte[PublicKey.Length];
        point.CopyTo(yBytes);
        yBytes[31] &= 0x7f; // top bit is the sign of x, not part of y

        // dalek reduces a non-canonical y modulo p instead of rejecting it.
        var y = Mod(new BigInteger(yBytes, isUnsigned: true, isBigEndian: false));
        var y2 = y * y % P;
        var u = Mod(y2 - 1);          // x² numerator
        var v = Mod(D * y2 + 1);      // x² denominator, never 0 because -1/d is not a square
        var x2 = u * BigInteger.ModPow(v, P - 2, P) % P;

        // x exists iff x² is zero or a quadratic residue (Euler's criterion).
        return x2.IsZero || BigInteger.ModPow(x2, LegendreExponent, P).IsOne;
    }

    private static BigInteger Mod(BigInteger value)
    {
        var r = value % P;
        return r.Sign < 0 ? r + P : r;
    }
}

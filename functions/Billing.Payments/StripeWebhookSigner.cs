using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Billing.Payments;

/// <summary>
/// Produces <c>Stripe-Signature</c> headers the way Stripe does (<c>t={unix seconds},v1={hex HMAC-SHA256}</c> over
/// <c>{t}.{payload}</c>, keyed with the whole <c>whsec_…</c> secret), for tests, the local demo and the CLI.
/// </summary>
public static class StripeWebhookSigner
{
    /// <summary>The header value for <paramref name="payload"/> signed at <paramref name="timestamp"/>.</summary>
    public static string Sign(string payload, string secret, DateTimeOffset timestamp)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentException.ThrowIfNullOrEmpty(secret);
        string t = timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={Convert.ToHexStringLower(ComputeSignature(payload, secret, t))}";
    }

    /// <summary>The header value for the exact bytes <paramref name="payload"/> signed at <paramref name="timestamp"/>.</summary>
    public static string Sign(ReadOnlySpan<byte> payload, string secret, DateTimeOffset timestamp)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        string t = timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={Convert.ToHexStringLower(ComputeSignature(payload, secret, t))}";
    }

    /// <summary>HMAC-SHA256 of <c>{timestamp}.{payload}</c>; <paramref name="timestamp"/> is the header's exact <c>t</c> text.</summary>
    internal static byte[] ComputeSignature(string payload, string secret, string timestamp) =>
        ComputeSignature(Encoding.UTF8.GetBytes(payload), secret, timestamp);

    /// <summary>The same over the payload's raw bytes: Stripe signs the bytes it sends, so nothing is decoded first.</summary>
    internal static byte[] ComputeSignature(ReadOnlySpan<byte> payload, string secret, string timestamp)
    {
        byte[] key = Encoding.UTF8.GetBytes(secret);
        byte[] signed = new byte[Encoding.ASCII.GetByteCount(timestamp) + 1 + payload.Length];
        int at = Encoding.ASCII.GetBytes(timestamp, signed);
        signed[at++] = (byte)'.';
        payload.CopyTo(signed.AsSpan(at));
        return HMACSHA256.HashData(key, signed);
    }
}

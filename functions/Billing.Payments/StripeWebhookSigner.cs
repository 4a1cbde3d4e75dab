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

    /// <summary>HMAC-SHA256 of <c>{timestamp}.{payload}</c>; <paramref name="timestamp"/> is the header's exact <c>t</c> text.</summary>
    internal static byte[] ComputeSignature(string payload, string secret, string timestamp)
    {
        byte[] key = Encoding.UTF8.GetBytes(secret);
        byte[] signed = Encoding.UTF8.GetBytes(string.Concat(timestamp, ".", payload));
        return HMACSHA256.HashData(key, signed);
    }
}

using System.Globalization;
using System.Security.Cryptography;

namespace Billing.StripeSimulator;

/// <summary>
/// Produces <c>Stripe-Signature</c> headers the way Stripe does (<c>t={unix seconds},v1={hex HMAC-SHA256}</c> over
/// <c>{t}.{payload}</c>, keyed with the whole <c>whsec_…</c> secret), for tests, the local demo and the CLI.
/// Computed here on its own rather than with the verifier's code, so tests of the verifier check it against a second
/// implementation (and a test checks this one against Stripe.net).
/// </summary>
public static class StripeWebhookSigner
{
    /// <summary>The header value for <paramref name="payload"/> signed at <paramref name="timestamp"/>.</summary>
    public static string Sign(string payload, string secret, DateTimeOffset timestamp)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return Sign(Encoding.UTF8.GetBytes(payload), secret, timestamp);
    }

    /// <summary>The header value for the exact bytes <paramref name="payload"/> signed at <paramref name="timestamp"/>.</summary>
    public static string Sign(ReadOnlySpan<byte> payload, string secret, DateTimeOffset timestamp)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        string t = timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        byte[] signed = [.. Encoding.ASCII.GetBytes(t + "."), .. payload];
        return $"t={t},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed))}";
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Billing.Payments;

/// <summary>
/// Verifies a <c>Stripe-Signature</c> header: <c>t=…</c> plus one or more <c>v1=…</c> entries (several during a secret
/// rotation), each a hex HMAC-SHA256 over <c>{t}.{body}</c>. Implemented here rather than with Stripe.net's
/// <c>EventUtility.ValidateSignature</c> so the clock comes from an injected <see cref="TimeProvider"/> and each failure
/// has its own reason; the algorithm is the documented one and a test cross-checks it against Stripe.net.
/// </summary>
public static class StripeWebhookVerifier
{
    public const string HeaderName = "Stripe-Signature";

    private const int SignatureBytes = 32; // SHA-256

    /// <summary>
    /// True when <paramref name="header"/> carries a valid v1 signature of <paramref name="payload"/> made with
    /// <paramref name="secret"/> and its timestamp is within <paramref name="tolerance"/> of <paramref name="now"/>
    /// (either direction, inclusive). Otherwise false with a reason safe to log (it never contains the secret).
    /// </summary>
    public static bool TryVerify(
        string payload,
        string? header,
        string secret,
        TimeSpan tolerance,
        DateTimeOffset now,
        [NotNullWhen(false)] out string? failureReason)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return TryVerify(Encoding.UTF8.GetBytes(payload), header, secret, tolerance, now, out failureReason);
    }

    /// <summary>
    /// The same over the request body's raw bytes, exactly as received: no decoding, no BOM stripping, no normalisation,
    /// so the bytes that were signed are the bytes that are checked (and then parsed).
    /// </summary>
    public static bool TryVerify(
        ReadOnlySpan<byte> payload,
        string? header,
        string secret,
        TimeSpan tolerance,
        DateTimeOffset now,
        [NotNullWhen(false)] out string? failureReason)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        if (string.IsNullOrWhiteSpace(header))
        {
            failureReason = $"Missing {HeaderName} header.";
            return false;
        }

        string? timestamp = null;
        var candidates = new List<string>();
        foreach (string part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue; // tolerate unknown junk like Stripe's libraries do; only t and v1 matter
            }

            string key = part[..eq];
            string value = part[(eq + 1)..];
            if (key == "t")
            {
                if (timestamp is not null)
                {
                    // Two timestamps make it ambiguous which one was signed; refuse rather than guess.
                    failureReason = $"{HeaderName} header has more than one timestamp.";
                    return false;
                }

                timestamp = value;
            }
            else if (key == "v1")
            {
                candidates.Add(value); // other schemes (v0 is Stripe's test-mode legacy) are not trusted
            }
        }

        if (timestamp is null || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out long unixSeconds)
            || unixSeconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            failureReason = $"{HeaderName} header has no valid timestamp (t=…).";
            return false;
        }

        if (candidates.Count == 0)
        {
            failureReason = $"{HeaderName} header has no v1 signature.";
            return false;
        }

        byte[] expected = ComputeSignature(payload, secret, timestamp);
        Span<byte> candidate = stackalloc byte[SignatureBytes];
        bool matched = false;
        foreach (string hex in candidates)
        {
            // Length is public (always 64 hex digits); the byte comparison itself is constant-time.
            if (hex.Length == SignatureBytes * 2
                && Convert.FromHexString(hex, candidate, out _, out int written) == System.Buffers.OperationStatus.Done
                && written == SignatureBytes
                && CryptographicOperations.FixedTimeEquals(candidate, expected))
            {
                matched = true; // keep looping: do not reveal which entry matched through timing
            }
        }

        if (!matched)
        {
            failureReason = "No v1 signature matches the payload (wrong webhook secret or modified body).";
            return false;
        }

        // Checked after the signature so that only authentic requests learn about the clock window.
        TimeSpan age = now - DateTimeOffset.FromUnixTimeSeconds(unixSeconds);
        if (age > tolerance)
        {
            failureReason = string.Create(
                CultureInfo.InvariantCulture,
                $"Signature timestamp is {(long)age.TotalSeconds} s old; tolerance is {(long)tolerance.TotalSeconds} s (possible replay).");
            return false;
        }

        if (-age > tolerance)
        {
            failureReason = string.Create(
                CultureInfo.InvariantCulture,
                $"Signature timestamp is {(long)(-age).TotalSeconds} s in the future; tolerance is {(long)tolerance.TotalSeconds} s.");
            return false;
        }

        failureReason = null;
        return true;
    }

    /// <summary>HMAC-SHA256 of <c>{timestamp}.{payload}</c> over the payload's raw bytes: Stripe signs the bytes it sends, so nothing is decoded first.</summary>
    private static byte[] ComputeSignature(ReadOnlySpan<byte> payload, string secret, string timestamp)
    {
        byte[] key = Encoding.UTF8.GetBytes(secret);
        byte[] signed = new byte[Encoding.ASCII.GetByteCount(timestamp) + 1 + payload.Length];
        int at = Encoding.ASCII.GetBytes(timestamp, signed);
        signed[at++] = (byte)'.';
        payload.CopyTo(signed.AsSpan(at));
        return HMACSHA256.HashData(key, signed);
    }
}

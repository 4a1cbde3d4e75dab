using NSec.Cryptography;

namespace Billing.Solana.Keys;

/// <summary>
/// An Ed25519 signing key. Solana's CLI keypair file is a JSON array of 64 numbers:
/// the 32-byte seed followed by the 32-byte public key.
/// </summary>
public sealed class Keypair : IDisposable
{
    public const int SeedLength = 32;
    public const int SecretKeyLength = 64;
    public const int SignatureLength = 64;

    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;

    private readonly Key _key;

    private Keypair(Key key)
    {
        _key = key;
        PublicKey = new PublicKey(key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }

    public PublicKey PublicKey { get; }

    public static Keypair FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedLength)
        {
            throw new ArgumentException($"An Ed25519 seed must be {SeedLength} bytes, got {seed.Length}.", nameof(seed));
        }

        return new Keypair(Key.Import(Algorithm, seed, KeyBlobFormat.RawPrivateKey));
    }

    /// <summary>Loads the 64-byte "seed ‖ public key" form and checks that both halves belong together.</summary>
    public static Keypair FromSecretKey(ReadOnlySpan<byte> secretKey)
    {
        if (secretKey.Length != SecretKeyLength)
        {
            throw new ArgumentException($"A Solana secret key must be {SecretKeyLength} bytes, got {secretKey.Length}.", nameof(secretKey));
        }

        var keypair = FromSeed(secretKey[..SeedLength]);
        if (!keypair.PublicKey.KeyBytes.SequenceEqual(secretKey[SeedLength..]))
        {
            keypair.Dispose();
            throw new ArgumentException("The public half of the secret key does not match its seed.", nameof(secretKey));
        }

        return keypair;
    }

    /// <summary>Parses the Solana CLI keypair JSON format: <c>[12,34,...]</c> with 64 byte values.</summary>
    public static Keypair FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("A keypair file must contain a JSON array of 64 numbers.");
        }

        var bytes = new byte[document.RootElement.GetArrayLength()];
        var i = 0;
        foreach (var element in document.RootElement.EnumerateArray())
        {
            if (element.ValueKind != JsonValueKind.Number || !element.TryGetByte(out bytes[i]))
            {
                throw new FormatException($"Keypair element {i.ToString(CultureInfo.InvariantCulture)} is not a byte.");
            }

            i++;
        }

        try
        {
            return FromSecretKey(bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>Whether <paramref name="json"/> is a Solana CLI keypair that <see cref="FromJson"/> loads; the key is not kept.</summary>
    public static bool IsValidJson(string json)
    {
        try
        {
            using var keypair = FromJson(json);
            return true;
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException or CryptographicException or InvalidOperationException)
        {
            return false;
        }
    }

    public static async Task<Keypair> LoadFromFileAsync(string path, CancellationToken cancellationToken)
    {
        var json = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return FromJson(json);
    }

    public static Keypair Generate()
    {
        Span<byte> seed = stackalloc byte[SeedLength];
        RandomNumberGenerator.Fill(seed);
        try
        {
            return FromSeed(seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    public byte[] Sign(ReadOnlySpan<byte> message) => Algorithm.Sign(_key, message);

    public void Dispose() => _key.Dispose();

    public override string ToString() => PublicKey.ToString();
}

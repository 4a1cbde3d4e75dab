namespace Billing.Solana.Keys;

/// <summary>A 32-byte Solana address (Ed25519 public key or program-derived address).</summary>
public sealed class PublicKey : IEquatable<PublicKey>
{
    public const int Length = 32;

    /// <summary>Solana limits: at most 16 seeds of at most 32 bytes each.</summary>
    public const int MaxSeeds = 16;
    public const int MaxSeedLength = 32;

    private static readonly byte[] PdaMarker = Encoding.ASCII.GetBytes("ProgramDerivedAddress");

    private readonly byte[] _key;
    private string? _base58;

    public PublicKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != Length)
        {
            throw new ArgumentException($"A public key must be {Length} bytes, got {key.Length}.", nameof(key));
        }

        _key = key.ToArray();
    }

    public PublicKey(string base58)
    {
        ArgumentNullException.ThrowIfNull(base58);
        var bytes = Base58.Decode(base58);
        if (bytes.Length != Length)
        {
            throw new ArgumentException($"'{base58}' does not decode to {Length} bytes.", nameof(base58));
        }

        _key = bytes;
        _base58 = base58;
    }

    /// <summary>The raw 32 bytes.</summary>
    public ReadOnlySpan<byte> KeyBytes => _key;

    public string Key => ToString();

    public byte[] ToByteArray() => (byte[])_key.Clone();

    public override string ToString() => _base58 ??= Base58.Encode(_key);

    public static bool TryParse(string? base58, out PublicKey? key)
    {
        key = null;
        if (string.IsNullOrEmpty(base58) || base58.Length > 44 || !Base58.TryDecode(base58, out var bytes) || bytes.Length != Length)
        {
            return false;
        }

        key = new PublicKey(bytes);
        return true;
    }

    public static bool IsValid(string? base58) => TryParse(base58, out _);

    /// <summary>
    /// True when the bytes decompress to a point on the Ed25519 curve (the check the runtime
    /// uses to keep program-derived addresses away from keys that could have a private key).
    /// </summary>
    public bool IsOnCurve() => Ed25519Curve.IsOnCurve(_key);

    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        var algorithm = NSec.Cryptography.SignatureAlgorithm.Ed25519;
        if (signature.Length != algorithm.SignatureSize ||
            !NSec.Cryptography.PublicKey.TryImport(algorithm, _key, NSec.Cryptography.KeyBlobFormat.RawPublicKey, out var nsecKey) ||
            nsecKey is null)
        {
            return false;
        }

        return algorithm.Verify(nsecKey, message, signature);
    }

    /// <summary>sha256(seeds ‖ programId ‖ "ProgramDerivedAddress"); fails when the hash lands on the curve.</summary>
    public static bool TryCreateProgramAddress(IReadOnlyList<byte[]> seeds, PublicKey programId, out PublicKey? address)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(programId);
        if (seeds.Count > MaxSeeds)
        {
            throw new ArgumentException($"At most {MaxSeeds} seeds are allowed.", nameof(seeds));
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var seed in seeds)
        {
            if (seed.Length > MaxSeedLength)
            {
                throw new ArgumentException($"Seeds must be at most {MaxSeedLength} bytes.", nameof(seeds));
            }

            hash.AppendData(seed);
        }

        hash.AppendData(programId._key);
        hash.AppendData(PdaMarker);
        Span<byte> digest = stackalloc byte[Length];
        hash.GetHashAndReset(digest);
        if (Ed25519Curve.IsOnCurve(digest))
        {
            address = null;
            return false;
        }

        address = new PublicKey(digest);
        return true;
    }

    public static PublicKey CreateProgramAddress(IReadOnlyList<byte[]> seeds, PublicKey programId) =>
        TryCreateProgramAddress(seeds, programId, out var address)
            ? address!
            : throw new ArgumentException("The seeds derive an address on the Ed25519 curve; it is not a valid program address.", nameof(seeds));

    /// <summary>
    /// The address <c>createAccountWithSeed</c> creates: sha256(base ‖ seed ‖ owner), no curve check. The seed is at most
    /// <see cref="MaxSeedLength"/> bytes of UTF-8, and the owner cannot be a name made to forge program addresses, as the
    /// runtime's <c>Pubkey::create_with_seed</c> rules.
    /// </summary>
    public static PublicKey CreateWithSeed(PublicKey baseKey, string seed, PublicKey owner)
    {
        ArgumentNullException.ThrowIfNull(baseKey);
        ArgumentNullException.ThrowIfNull(seed);
        ArgumentNullException.ThrowIfNull(owner);
        byte[] seedBytes = Encoding.UTF8.GetBytes(seed);
        if (seedBytes.Length > MaxSeedLength)
        {
            throw new ArgumentException($"A seed must be at most {MaxSeedLength} bytes of UTF-8, got {seedBytes.Length}.", nameof(seed));
        }

        if (owner._key.AsSpan(Length - PdaMarker.Length).SequenceEqual(PdaMarker))
        {
            throw new ArgumentException("The owner ends with the program-address marker; the runtime refuses it.", nameof(owner));
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(baseKey._key);
        hash.AppendData(seedBytes);
        hash.AppendData(owner._key);
        return new PublicKey(hash.GetHashAndReset());
    }

    /// <summary>Tries bump seeds 255 down to 0 and returns the first off-curve address (the canonical bump).</summary>
    public static ProgramDerivedAddress FindProgramAddress(IReadOnlyList<byte[]> seeds, PublicKey programId)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        var withBump = new byte[seeds.Count + 1][];
        for (var i = 0; i < seeds.Count; i++)
        {
            withBump[i] = seeds[i];
        }

        var bump = new byte[1];
        withBump[seeds.Count] = bump;
        for (var candidate = 255; candidate >= 0; candidate--)
        {
            bump[0] = (byte)candidate;
            if (TryCreateProgramAddress(withBump, programId, out var address))
            {
                return new ProgramDerivedAddress(address!, (byte)candidate);
            }
        }

        throw new InvalidOperationException("No viable bump seed found.");
    }

    public bool Equals(PublicKey? other) =>
        other is not null && _key.AsSpan().SequenceEqual(other._key);

    public override bool Equals(object? obj) => Equals(obj as PublicKey);

    public override int GetHashCode() => BitConverter.ToInt32(_key, 0);

    public static bool operator ==(PublicKey? left, PublicKey? right) =>
        left is null ? right is null : left.Equals(right);

    public static bool operator !=(PublicKey? left, PublicKey? right) => !(left == right);

    public static implicit operator string(PublicKey key) => key.ToString();
}

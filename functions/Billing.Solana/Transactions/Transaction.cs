namespace Billing.Solana.Transactions;

/// <summary>A compiled legacy message plus one signature slot per required signer.</summary>
public sealed class Transaction
{
    /// <summary>Maximum serialized size (IPv6 MTU minus headers), enforced by validators.</summary>
    public const int MaxSerializedSize = 1232;

    private readonly byte[]?[] _signatures;
    private readonly byte[] _messageBytes;

    public Transaction(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Message = message;
        _messageBytes = message.Serialize();
        _signatures = new byte[]?[message.Header.NumRequiredSignatures];
    }

    public Message Message { get; }

    public ReadOnlySpan<byte> MessageBytes => _messageBytes;

    public IReadOnlyList<PublicKey> RequiredSigners => Message.AccountKeys.Take(Message.Header.NumRequiredSignatures).ToArray();

    /// <summary>Signatures in signer order; null where a signer has not signed yet.</summary>
    public IReadOnlyList<byte[]?> Signatures => _signatures;

    /// <summary>The transaction id: base58 of the fee payer's signature (null until the fee payer signed).</summary>
    public string? Id => _signatures.Length > 0 && _signatures[0] is { } first ? Base58.Encode(first) : null;

    public bool IsFullySigned => _signatures.All(s => s is not null);

    /// <summary>Signs with the given keypairs; other slots are left for later (partial signing).</summary>
    public Transaction Sign(params IEnumerable<Keypair> signers)
    {
        ArgumentNullException.ThrowIfNull(signers);
        foreach (var signer in signers)
        {
            _signatures[IndexOfSigner(signer.PublicKey)] = signer.Sign(_messageBytes);
        }

        return this;
    }

    /// <summary>Adds a signature produced elsewhere (e.g. by an HSM or another party); it is verified first.</summary>
    public Transaction AddSignature(PublicKey signer, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(signer);
        var index = IndexOfSigner(signer);
        if (!signer.Verify(_messageBytes, signature))
        {
            throw new ArgumentException($"The signature is not valid for signer {signer}.", nameof(signature));
        }

        _signatures[index] = signature.ToArray();
        return this;
    }

    /// <summary>Checks every present signature; missing ones fail only when <paramref name="requireAllSignatures"/> is set.</summary>
    public bool VerifySignatures(bool requireAllSignatures = true) =>
        _signatures
            .Select((s, i) => s is null ? !requireAllSignatures : Message.AccountKeys[i].Verify(_messageBytes, s))
            .All(ok => ok);

    /// <summary>
    /// Wire format: compact array of 64-byte signatures followed by the message.
    /// Missing signatures are written as zeros only when <paramref name="requireAllSignatures"/> is false.
    /// </summary>
    public byte[] Serialize(bool requireAllSignatures = true)
    {
        if (requireAllSignatures && !IsFullySigned)
        {
            var missing = _signatures.Select((s, i) => (s, i)).Where(x => x.s is null).Select(x => Message.AccountKeys[x.i].ToString());
            throw new InvalidOperationException($"Missing signatures for: {string.Join(", ", missing)}.");
        }

        using var stream = new MemoryStream();
        ShortVec.Write(stream, _signatures.Length);
        Span<byte> empty = stackalloc byte[Keypair.SignatureLength];
        empty.Clear();
        foreach (var signature in _signatures)
        {
            stream.Write(signature ?? empty);
        }

        stream.Write(_messageBytes);
        if (stream.Length > MaxSerializedSize)
        {
            throw new InvalidOperationException($"Transaction too large: {stream.Length} > {MaxSerializedSize} bytes.");
        }

        return stream.ToArray();
    }

    /// <summary>Parses wire bytes (signatures + legacy message); all-zero signatures are treated as missing.</summary>
    public static Transaction Deserialize(ReadOnlySpan<byte> data)
    {
        var (count, prefix) = ShortVec.Decode(data);
        var signaturesEnd = prefix + (count * Keypair.SignatureLength);
        if (data.Length < signaturesEnd)
        {
            throw new FormatException("Truncated transaction.");
        }

        var transaction = new Transaction(Message.Deserialize(data[signaturesEnd..]));
        if (count != transaction._signatures.Length)
        {
            throw new FormatException("Signature count does not match the message header.");
        }

        for (var i = 0; i < count; i++)
        {
            var signature = data.Slice(prefix + (i * Keypair.SignatureLength), Keypair.SignatureLength);
            transaction._signatures[i] = signature.ContainsAnyExcept((byte)0) ? signature.ToArray() : null;
        }

        return transaction;
    }

    private int IndexOfSigner(PublicKey key)
    {
        for (var i = 0; i < _signatures.Length; i++)
        {
            if (Message.AccountKeys[i] == key)
            {
                return i;
            }
        }

        throw new ArgumentException($"{key} is not a required signer of this transaction.", nameof(key));
    }
}

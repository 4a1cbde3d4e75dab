namespace Billing.Solana.Transactions;

/// <summary>A legacy (unversioned) Solana message: the bytes every signature covers.</summary>
public sealed class Message
{
    public const int BlockhashLength = 32;

    public Message(MessageHeader header, IReadOnlyList<PublicKey> accountKeys, string recentBlockhash, IReadOnlyList<CompiledInstruction> instructions)
    {
        ArgumentNullException.ThrowIfNull(accountKeys);
        ArgumentNullException.ThrowIfNull(recentBlockhash);
        ArgumentNullException.ThrowIfNull(instructions);
        Header = header;
        AccountKeys = accountKeys.ToArray();
        RecentBlockhash = recentBlockhash;
        Instructions = instructions.ToArray();
    }

    public MessageHeader Header { get; }

    public IReadOnlyList<PublicKey> AccountKeys { get; }

    public string RecentBlockhash { get; }

    public IReadOnlyList<CompiledInstruction> Instructions { get; }

    public IEnumerable<PublicKey> Signers => AccountKeys.Take(Header.NumRequiredSignatures);

    public bool IsSigner(int index) => index < Header.NumRequiredSignatures;

    public bool IsWritable(int index) =>
        index < Header.NumRequiredSignatures
            ? index < Header.NumRequiredSignatures - Header.NumReadonlySignedAccounts
            : index < AccountKeys.Count - Header.NumReadonlyUnsignedAccounts;

    /// <summary>
    /// Compiles instructions the way web3.js v1 <c>Transaction.compileMessage</c> does, so the bytes match:
    /// de-duplicate keys (OR-ing signer/writable), program ids as read-only non-signers, order signers before
    /// non-signers and writable before read-only, ties by <see cref="Base58KeyComparer"/>, fee payer first.
    /// </summary>
    public static Message Compile(PublicKey feePayer, string recentBlockhash, IReadOnlyList<TransactionInstruction> instructions)
    {
        ArgumentNullException.ThrowIfNull(feePayer);
        ArgumentException.ThrowIfNullOrEmpty(recentBlockhash);
        ArgumentNullException.ThrowIfNull(instructions);
        if (Base58.Decode(recentBlockhash).Length != BlockhashLength)
        {
            throw new ArgumentException("A blockhash must decode to 32 bytes.", nameof(recentBlockhash));
        }

        var metas = new List<AccountMeta>();
        var programIds = new List<PublicKey>();
        foreach (var instruction in instructions)
        {
            metas.AddRange(instruction.Keys);
            if (!programIds.Contains(instruction.ProgramId))
            {
                programIds.Add(instruction.ProgramId);
            }
        }

        metas.AddRange(programIds.Select(id => AccountMeta.ReadOnly(id, false)));

        var unique = new List<AccountMeta>();
        foreach (var meta in metas)
        {
            var index = unique.FindIndex(m => m.PublicKey == meta.PublicKey);
            if (index < 0)
            {
                unique.Add(meta);
            }
            else
            {
                var existing = unique[index];
                unique[index] = existing with
                {
                    IsSigner = existing.IsSigner || meta.IsSigner,
                    IsWritable = existing.IsWritable || meta.IsWritable,
                };
            }
        }

        // OrderBy is stable, like Array.prototype.sort in modern JS engines.
        var ordered = unique
            .OrderBy(m => m.IsSigner ? 0 : 1)
            .ThenBy(m => m.IsWritable ? 0 : 1)
            .ThenBy(m => m.PublicKey.ToString(), Base58KeyComparer.Instance)
            .ToList();

        var payerIndex = ordered.FindIndex(m => m.PublicKey == feePayer);
        if (payerIndex >= 0)
        {
            ordered.RemoveAt(payerIndex);
        }

        ordered.Insert(0, new AccountMeta(feePayer, true, true));

        if (ordered.Count > byte.MaxValue + 1)
        {
            throw new InvalidOperationException("A legacy message can reference at most 256 accounts.");
        }

        var numSigners = ordered.Count(m => m.IsSigner);
        var readonlySigned = ordered.Count(m => m.IsSigner && !m.IsWritable);
        var readonlyUnsigned = ordered.Count(m => !m.IsSigner && !m.IsWritable);

        // Signers first (they already are after sorting; the concat mirrors web3.js and keeps the invariant explicit).
        var keys = ordered.Where(m => m.IsSigner).Concat(ordered.Where(m => !m.IsSigner)).Select(m => m.PublicKey).ToList();
        var indexOf = new Dictionary<PublicKey, byte>();
        for (var i = 0; i < keys.Count; i++)
        {
            indexOf[keys[i]] = (byte)i;
        }

        var compiled = instructions
            .Select(ix => new CompiledInstruction(
                indexOf[ix.ProgramId],
                ix.Keys.Select(k => indexOf[k.PublicKey]).ToArray(),
                ix.Data))
            .ToList();

        var header = new MessageHeader(checked((byte)numSigners), checked((byte)readonlySigned), checked((byte)readonlyUnsigned));
        return new Message(header, keys, recentBlockhash, compiled);
    }

    public byte[] Serialize()
    {
        using var stream = new MemoryStream();
        stream.WriteByte(Header.NumRequiredSignatures);
        stream.WriteByte(Header.NumReadonlySignedAccounts);
        stream.WriteByte(Header.NumReadonlyUnsignedAccounts);
        ShortVec.Write(stream, AccountKeys.Count);
        foreach (var key in AccountKeys)
        {
            stream.Write(key.KeyBytes);
        }

        stream.Write(Base58.Decode(RecentBlockhash));
        ShortVec.Write(stream, Instructions.Count);
        foreach (var instruction in Instructions)
        {
            stream.WriteByte(instruction.ProgramIdIndex);
            ShortVec.Write(stream, instruction.Accounts.Count);
            foreach (var account in instruction.Accounts)
            {
                stream.WriteByte(account);
            }

            ShortVec.Write(stream, instruction.Data.Length);
            stream.Write(instruction.Data.Span);
        }

        return stream.ToArray();
    }

    /// <summary>Parses legacy message bytes (the whole span must be one message).</summary>
    public static Message Deserialize(ReadOnlySpan<byte> data)
    {
        var reader = new SpanReader(data);
        if ((reader.Peek() & 0x80) != 0)
        {
            throw new NotSupportedException("Versioned messages are not supported; only legacy messages.");
        }

        var header = new MessageHeader(reader.ReadByte(), reader.ReadByte(), reader.ReadByte());
        var keyCount = reader.ReadShortVec();
        var keys = new PublicKey[keyCount];
        for (var i = 0; i < keyCount; i++)
        {
            keys[i] = new PublicKey(reader.ReadBytes(PublicKey.Length));
        }

        var blockhash = Base58.Encode(reader.ReadBytes(BlockhashLength));
        var instructionCount = reader.ReadShortVec();
        var instructions = new CompiledInstruction[instructionCount];
        for (var i = 0; i < instructionCount; i++)
        {
            var programIndex = reader.ReadByte();
            var accounts = reader.ReadBytes(reader.ReadShortVec()).ToArray();
            var payload = reader.ReadBytes(reader.ReadShortVec()).ToArray();
            instructions[i] = new CompiledInstruction(programIndex, accounts, payload);
        }

        if (!reader.AtEnd)
        {
            throw new FormatException("Trailing bytes after the message.");
        }

        return new Message(header, keys, blockhash, instructions);
    }

    private ref struct SpanReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position;

        public readonly bool AtEnd => _position == _data.Length;

        public readonly byte Peek() => _position < _data.Length ? _data[_position] : throw new FormatException("Truncated message.");

        public byte ReadByte()
        {
            var b = Peek();
            _position++;
            return b;
        }

        public ReadOnlySpan<byte> ReadBytes(int count)
        {
            if (_data.Length - _position < count)
            {
                throw new FormatException("Truncated message.");
            }

            var slice = _data.Slice(_position, count);
            _position += count;
            return slice;
        }

        public int ReadShortVec()
        {
            var (value, length) = ShortVec.Decode(_data[_position..]);
            _position += length;
            return value;
        }
    }
}

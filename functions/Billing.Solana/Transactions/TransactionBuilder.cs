namespace Billing.Solana.Transactions;

/// <summary>Fluent, Solnet-style builder for legacy transactions.</summary>
public sealed class TransactionBuilder
{
    private readonly List<TransactionInstruction> _instructions = [];
    private PublicKey? _feePayer;
    private string? _recentBlockhash;

    public TransactionBuilder SetFeePayer(PublicKey feePayer)
    {
        _feePayer = feePayer ?? throw new ArgumentNullException(nameof(feePayer));
        return this;
    }

    public TransactionBuilder SetFeePayer(Keypair feePayer) => SetFeePayer(feePayer.PublicKey);

    public TransactionBuilder SetRecentBlockHash(string recentBlockhash)
    {
        ArgumentException.ThrowIfNullOrEmpty(recentBlockhash);
        _recentBlockhash = recentBlockhash;
        return this;
    }

    public TransactionBuilder AddInstruction(TransactionInstruction instruction)
    {
        _instructions.Add(instruction ?? throw new ArgumentNullException(nameof(instruction)));
        return this;
    }

    public Message BuildMessage()
    {
        var feePayer = _feePayer ?? throw new InvalidOperationException("Fee payer is required; call SetFeePayer.");
        var blockhash = _recentBlockhash ?? throw new InvalidOperationException("Recent blockhash is required; call SetRecentBlockHash.");
        if (_instructions.Count == 0)
        {
            throw new InvalidOperationException("At least one instruction is required.");
        }

        return Message.Compile(feePayer, blockhash, _instructions);
    }

    /// <summary>The serialized message: the exact bytes each signer signs.</summary>
    public byte[] CompileMessage() => BuildMessage().Serialize();

    /// <summary>An unsigned transaction for partial or deferred signing.</summary>
    public Transaction BuildTransaction() => new(BuildMessage());

    /// <summary>Compiles, signs with every required signer and serializes to wire bytes.</summary>
    public byte[] Build(params IEnumerable<Keypair> signers) => BuildTransaction().Sign(signers).Serialize();
}

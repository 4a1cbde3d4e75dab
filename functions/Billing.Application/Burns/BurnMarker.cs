using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using Billing.Solana.Transactions;

namespace Billing.Application.Burns;

/// <summary>
/// The account a burn's transaction sets before it burns, the same for every signing of that burn, so that the chain itself
/// refuses a second one (docs/design.md §4.6). Setting it is a transfer of its rent from the treasury, then System
/// <c>allocateWithSeed</c> with the treasury as base: one byte of data. Allocating an account that has data fails with
/// <c>AccountAlreadyInUse</c>, and with it the whole transaction, its burn included. Only the base can allocate it, so
/// anyone may fund the address (a transfer) without blocking or faking anything, and an account with data can never be
/// drained (the System program moves nothing out of one): a set marker stays set. Its state, unlike a signature status, is
/// not forgotten by a node with a limited ledger: unset at a finalized slot past a transaction's last valid height, it
/// proves that transaction will never land.
/// <para>
/// The seed is a hash of the treasury's signature of the ledger name and the burn id (Ed25519 signs deterministically):
/// derived again after any restart, and not stored where a row edit could change it. Burn ids are the same in every
/// deployment (they derive from invoice ids), so deployments sharing a treasury need their own ledger names, as they do
/// for their anchors (<see cref="Ledger.LedgerName"/>); a restored deployment keeps its name, and with it its markers. The
/// rent (that of one byte) is never taken back.
/// </para>
/// </summary>
public sealed record BurnMarker(PublicKey Address, PublicKey Base, string Seed)
{
    /// <summary>The data that marks it; nobody but the base can give an account that.</summary>
    public const ulong Space = 1;

    private const string Purpose = "billing:burn-marker:v1:";

    /// <summary>The marker of burn <paramref name="burnId"/> of the ledger <paramref name="ledgerName"/> from <paramref name="treasury"/>.</summary>
    public static BurnMarker For(Keypair treasury, string ledgerName, string burnId)
    {
        ArgumentNullException.ThrowIfNull(treasury);
        ArgumentException.ThrowIfNullOrEmpty(ledgerName);
        ArgumentException.ThrowIfNullOrEmpty(burnId);
        if (ledgerName.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException("A ledger name cannot hold ':', which separates it from the burn id.", nameof(ledgerName));
        }

        byte[] signature = treasury.Sign(Encoding.UTF8.GetBytes($"{Purpose}{ledgerName}:{burnId}"));
        // 32 base64url characters: 192 bits, the most a seed holds (32 bytes), all ASCII. The signature itself is never shown.
        string seed = Base64Url.EncodeToString(SHA256.HashData(signature))[..PublicKey.MaxSeedLength];
        return new BurnMarker(PublicKey.CreateWithSeed(treasury.PublicKey, seed, SystemProgram.ProgramIdKey), treasury.PublicKey, seed);
    }

    /// <summary>The instructions that set it: its rent, <paramref name="lamports"/>, from the base (whatever the address held
    /// already stays), then its allocation.</summary>
    public IReadOnlyList<TransactionInstruction> Set(ulong lamports) =>
        [SystemProgram.Transfer(Base, Address, lamports), SystemProgram.AllocateWithSeed(Address, Base, Seed, Space, SystemProgram.ProgramIdKey)];

    /// <summary>
    /// The marker a signed transaction sets (its <c>allocateWithSeed</c> whose base is the fee payer, as <see cref="Set"/>
    /// builds it) and that instruction's index, which fails when the marker is set already; null when it sets none (a burn
    /// signed before markers). Read from the bytes, not derived from today's key: a transaction signed before a key change
    /// names its own marker.
    /// </summary>
    public static (PublicKey Address, int Index)? FindIn(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        for (int i = 0; i < message.Instructions.Count; i++)
        {
            var ix = message.Instructions[i];
            var data = ix.Data.Span;
            if (KeyAt(message, ix.ProgramIdIndex) == SystemProgram.ProgramIdKey
                && data.Length >= 36 && BinaryPrimitives.ReadUInt32LittleEndian(data) == SystemProgram.AllocateWithSeedTag
                && data[4..36].SequenceEqual(message.AccountKeys[0].KeyBytes)
                && ix.Accounts.Count >= 1 && KeyAt(message, ix.Accounts[0]) is { } address)
            {
                return (address, i);
            }
        }

        return null;
    }

    /// <summary>
    /// <see cref="FindIn(Message)"/> of a stored transaction (base64, as a burn's row keeps it). Bytes that are no transaction
    /// throw what <see cref="IsUnreadable"/> names.
    /// </summary>
    public static (PublicKey Address, int Index)? FindIn(string transaction) =>
        FindIn(Transaction.Deserialize(Convert.FromBase64String(transaction)).Message);

    /// <summary>The address of the marker a stored transaction sets, for showing; null for none, none stored, or bytes that are no transaction.</summary>
    public static PublicKey? AddressIn(string? transaction)
    {
        try
        {
            return transaction is null ? null : FindIn(transaction)?.Address;
        }
        catch (Exception ex) when (IsUnreadable(ex))
        {
            return null;
        }
    }

    /// <summary>Whether <paramref name="exception"/>, from <see cref="FindIn(string)"/>, says the bytes are no transaction.</summary>
    public static bool IsUnreadable(Exception exception) => exception is FormatException or ArgumentException or NotSupportedException;

    private static PublicKey? KeyAt(Message message, int index) => index < message.AccountKeys.Count ? message.AccountKeys[index] : null;
}

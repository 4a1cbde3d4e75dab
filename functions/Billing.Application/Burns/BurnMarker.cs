using System.Buffers.Binary;
using System.Security.Cryptography;
using Billing.Solana.Transactions;

namespace Billing.Application.Burns;

/// <summary>
/// The account a burn's transaction creates before it burns (<c>createAccountWithSeed</c> from the treasury), the same for
/// every signing of that burn, so that the chain itself refuses a second one: creating an address that holds lamports fails
/// with <c>AccountAlreadyInUse</c>, and with it the whole transaction, its burn included (docs/design.md §4.6). Its state,
/// unlike a signature status, is not forgotten by a node with a limited ledger: absent at a finalized slot past a
/// transaction's last valid height, it proves that transaction will never land.
/// <para>
/// The seed is a hash of the treasury's signature of the burn id (Ed25519 signs deterministically): derived again after any
/// restart, not stored where a row edit could change it, and unknown to anyone without the key until the first broadcast,
/// so nobody can fund the address beforehand to block the burn. System-owned and empty, it costs the rent-exempt minimum
/// for no data; it is never taken back, since a burn row changed back to pending in storage would then burn again.
/// </para>
/// </summary>
public sealed record BurnMarker(PublicKey Address, string Seed)
{
    private const string Purpose = "billing:burn-marker:v1:";

    /// <summary>The marker of burn <paramref name="burnId"/> from <paramref name="treasury"/>.</summary>
    public static BurnMarker For(Keypair treasury, string burnId)
    {
        ArgumentNullException.ThrowIfNull(treasury);
        ArgumentException.ThrowIfNullOrEmpty(burnId);
        byte[] signature = treasury.Sign(Encoding.UTF8.GetBytes(Purpose + burnId));
        // 32 base64url characters: 192 bits, the most a seed holds (32 bytes), all ASCII. The signature itself is never shown.
        string seed = Convert.ToBase64String(SHA256.HashData(signature)).Replace('+', '-').Replace('/', '_')[..PublicKey.MaxSeedLength];
        return new BurnMarker(PublicKey.CreateWithSeed(treasury.PublicKey, seed, SystemProgram.ProgramIdKey), seed);
    }

    /// <summary>The instruction that creates the marker, funded by the treasury with <paramref name="lamports"/> (its rent).</summary>
    public TransactionInstruction Create(PublicKey treasury, ulong lamports) =>
        SystemProgram.CreateAccountWithSeed(treasury, Address, treasury, Seed, lamports, 0, SystemProgram.ProgramIdKey);

    /// <summary>
    /// The index of the instruction in the signed transaction <paramref name="wire"/> (base64) that creates this marker; null
    /// when it creates none (a burn signed before markers, whose expiry is proven from the node's history instead) or the
    /// bytes are no transaction.
    /// </summary>
    public int? IndexIn(string? wire)
    {
        Message message;
        try
        {
            message = Transaction.Deserialize(Convert.FromBase64String(wire ?? "")).Message;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return null;
        }

        for (int i = 0; i < message.Instructions.Count; i++)
        {
            var ix = message.Instructions[i];
            if (KeyAt(message, ix.ProgramIdIndex) == SystemProgram.ProgramIdKey
                && ix.Data.Length >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(ix.Data.Span) == SystemProgram.CreateAccountWithSeedTag
                && ix.Accounts.Count >= 2 && KeyAt(message, ix.Accounts[1]) == Address)
            {
                return i;
            }
        }

        return null;
    }

    private static PublicKey? KeyAt(Message message, int index) => index < message.AccountKeys.Count ? message.AccountKeys[index] : null;
}

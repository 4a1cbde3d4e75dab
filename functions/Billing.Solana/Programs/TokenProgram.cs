namespace Billing.Solana.Programs;

/// <summary>SPL Token program (Tokenkeg...) instructions used by the billing platform.</summary>
public static class TokenProgram
{
    public static readonly PublicKey ProgramIdKey = new("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");

    /// <summary>Size of an SPL token mint account.</summary>
    public const int MintAccountLength = 82;

    /// <summary>Size of an SPL token account.</summary>
    public const int TokenAccountLength = 165;

    private const byte BurnTag = 8;
    private const byte TransferCheckedTag = 12;
    private const byte MintToCheckedTag = 14;
    private const byte BurnCheckedTag = 15;
    private const byte InitializeMint2Tag = 20;

    /// <summary>Burns <paramref name="amount"/> base units from <paramref name="account"/>; prefer <see cref="BurnChecked"/>.</summary>
    public static TransactionInstruction Burn(PublicKey account, PublicKey mint, PublicKey owner, ulong amount) =>
        new(ProgramIdKey, BurnAccounts(account, mint, owner), AmountData(BurnTag, amount, decimals: null));

    /// <summary>Burn that also asserts the mint's decimals, so a mis-scaled amount fails (MintDecimalsMismatch) instead of burning.</summary>
    public static TransactionInstruction BurnChecked(PublicKey account, PublicKey mint, PublicKey owner, ulong amount, byte decimals) =>
        new(ProgramIdKey, BurnAccounts(account, mint, owner), AmountData(BurnCheckedTag, amount, decimals));

    /// <summary>The amount and decimals of BurnChecked instruction data; false for any other instruction's data.</summary>
    public static bool TryReadBurnChecked(ReadOnlySpan<byte> data, out ulong amount, out byte decimals)
    {
        bool burn = data.Length == 10 && data[0] == BurnCheckedTag;
        amount = burn ? BinaryPrimitives.ReadUInt64LittleEndian(data[1..]) : 0;
        decimals = burn ? data[9] : (byte)0;
        return burn;
    }

    public static TransactionInstruction TransferChecked(PublicKey source, PublicKey mint, PublicKey destination, PublicKey owner, ulong amount, byte decimals) =>
        new(
            ProgramIdKey,
            [
                AccountMeta.Writable(source, false),
                AccountMeta.ReadOnly(mint, false),
                AccountMeta.Writable(destination, false),
                AccountMeta.ReadOnly(owner, true),
            ],
            AmountData(TransferCheckedTag, amount, decimals));

    public static TransactionInstruction MintToChecked(PublicKey mint, PublicKey destination, PublicKey mintAuthority, ulong amount, byte decimals) =>
        new(
            ProgramIdKey,
            [
                AccountMeta.Writable(mint, false),
                AccountMeta.Writable(destination, false),
                AccountMeta.ReadOnly(mintAuthority, true),
            ],
            AmountData(MintToCheckedTag, amount, decimals));

    /// <summary>Initializes a mint without needing the Rent sysvar; freeze authority is a COption (tag byte, key only when present).</summary>
    public static TransactionInstruction InitializeMint2(PublicKey mint, byte decimals, PublicKey mintAuthority, PublicKey? freezeAuthority = null)
    {
        var data = new byte[freezeAuthority is null ? 35 : 67];
        data[0] = InitializeMint2Tag;
        data[1] = decimals;
        mintAuthority.KeyBytes.CopyTo(data.AsSpan(2));
        if (freezeAuthority is not null)
        {
            data[34] = 1;
            freezeAuthority.KeyBytes.CopyTo(data.AsSpan(35));
        }

        return new TransactionInstruction(ProgramIdKey, [AccountMeta.Writable(mint, false)], data);
    }

    private static AccountMeta[] BurnAccounts(PublicKey account, PublicKey mint, PublicKey owner) =>
    [
        AccountMeta.Writable(account, false),
        AccountMeta.Writable(mint, false),
        AccountMeta.ReadOnly(owner, true),
    ];

    private static byte[] AmountData(byte tag, ulong amount, byte? decimals)
    {
        var data = new byte[decimals is null ? 9 : 10];
        data[0] = tag;
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(1), amount);
        if (decimals is { } d)
        {
            data[9] = d;
        }

        return data;
    }
}

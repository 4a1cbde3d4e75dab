namespace Billing.Domain.Ledger;

/// <summary>
/// Asset codes of ledger postings. Money is booked in the invoice's ISO currency code (minor units, e.g. cents for
/// <see cref="Usd"/>); tokens in <see cref="Token"/> (base units of the mint). An asset code is 1–16 characters
/// <c>[A-Z0-9]</c>, starting with a letter.
/// </summary>
public static class Assets
{
    public const string Usd = "USD";

    public const string Token = "TOKEN";

    /// <summary>The asset of an amount of money: its currency code.</summary>
    public static string Of(Currency currency)
    {
        ArgumentNullException.ThrowIfNull(currency);
        return currency.Code;
    }

    public static bool IsValid(string? asset)
    {
        if (string.IsNullOrEmpty(asset) || asset.Length > 16 || !char.IsAsciiLetterUpper(asset[0]))
        {
            return false;
        }

        foreach (char c in asset)
        {
            if (!char.IsAsciiLetterUpper(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}

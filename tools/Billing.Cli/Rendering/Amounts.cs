using System.Numerics;
using Billing.Domain;

namespace Billing.Cli.Rendering;

/// <summary>Money in major units with its currency, token amounts with the mint's decimals; exact (integers and decimal strings, never floating point).</summary>
public static class Amounts
{
    /// <summary>The asset the ledger books tokens in (base units).</summary>
    public const string TokenAsset = "TOKEN";

    /// <summary>233080 USD minor units → <c>2,330.80 USD</c>; an unknown currency prints its minor units as they are.</summary>
    public static string Minor(long minorUnits, string? currency) =>
        Currency.TryFromCode(currency, out var c) ? new Money(minorUnits, c).ToDisplayString() : $"{minorUnits.ToString(CultureInfo.InvariantCulture)} {currency}".TrimEnd();

    /// <summary>A major-unit decimal string from the API ("2330.80") with its currency → <c>2,330.80 USD</c>.</summary>
    public static string Major(string? amount, string? currency)
    {
        if (amount is null)
        {
            return "";
        }

        try
        {
            return Currency.TryFromCode(currency, out var c) ? Money.Parse(amount, c).ToDisplayString() : $"{amount} {currency}".TrimEnd();
        }
        catch (FormatException)
        {
            return $"{amount} {currency}".TrimEnd();
        }
    }

    /// <summary>Base units with <paramref name="decimals"/> decimals, e.g. 4938000000 with 8 → <c>49.38000000</c>; null when it is not an integer.</summary>
    public static string? Tokens(string? baseUnits, int decimals)
    {
        if (baseUnits is null || decimals is not (>= 0 and <= 30) || !BigInteger.TryParse(baseUnits, NumberStyles.None, CultureInfo.InvariantCulture, out var units))
        {
            return null;
        }

        string digits = units.ToString(CultureInfo.InvariantCulture).PadLeft(decimals + 1, '0');
        return decimals == 0 ? digits : $"{digits[..^decimals]}.{digits[^decimals..]}";
    }

    /// <summary>A ledger balance (an integer in minor or base units): money in major units, tokens with the mint's decimals when known.</summary>
    public static string Balance(string? amount, string? asset, int? tokenDecimals)
    {
        if (amount is null)
        {
            return "";
        }

        if (asset == TokenAsset)
        {
            return tokenDecimals is { } d && Tokens(amount.TrimStart('-'), d) is { } t ? $"{(amount.StartsWith('-') ? "-" : "")}{t} {asset}" : $"{amount} {asset} base units";
        }

        return long.TryParse(amount, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long minor) ? Minor(minor, asset) : $"{amount} {asset}";
    }
}

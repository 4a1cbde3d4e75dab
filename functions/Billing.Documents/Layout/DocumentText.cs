using Billing.Domain;

namespace Billing.Documents.Layout;

/// <summary>How documents write numbers, money and times: exact decimal strings with thousands separators, UTC times.</summary>
internal static class DocumentText
{
    /// <summary>Inserts thousands separators into an invariant decimal string ("-1234567.50" → "-1,234,567.50"), digit by digit.</summary>
    public static string Grouped(string plain)
    {
        ArgumentNullException.ThrowIfNull(plain);
        int start = plain.StartsWith('-') ? 1 : 0;
        int dot = plain.IndexOf('.', StringComparison.Ordinal);
        int end = dot < 0 ? plain.Length : dot;
        var whole = new System.Text.StringBuilder();
        for (int i = start; i < end; i++)
        {
            if (i > start && (end - i) % 3 == 0)
            {
                whole.Append(',');
            }

            whole.Append(plain[i]);
        }

        return plain[..start] + whole + plain[end..];
    }

    public static string Money(Money amount) => amount.ToDisplayString();

    /// <summary>The number alone (the column header names the currency): <c>2,330.80</c>.</summary>
    public static string Amount(Money amount) => amount.ToDisplayString()[..^(amount.Currency.Code.Length + 1)];

    /// <summary>Minor units in a known currency as money; in an unknown one, the raw units and code.</summary>
    public static string Minor(long minorUnits, string currencyCode) =>
        Currency.TryFromCode(currencyCode, out var currency)
            ? Money(new Money(minorUnits, currency))
            : $"{minorUnits.ToString(CultureInfo.InvariantCulture)} minor units of {currencyCode}";

    public static string Decimal(decimal value) => Grouped(value.ToString(CultureInfo.InvariantCulture));

    public static string Integer(UInt128 value) => Grouped(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>Token base units with the mint's decimals, exactly: 4938000000 with 8 decimals → "49.38000000".</summary>
    public static string Tokens(ulong baseUnits, int decimals)
    {
        string digits = baseUnits.ToString(CultureInfo.InvariantCulture);
        if (decimals <= 0)
        {
            return Grouped(digits);
        }

        digits = digits.PadLeft(decimals + 1, '0');
        return Grouped(digits[..^decimals] + "." + digits[^decimals..]);
    }

    public static string Time(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public static string Date(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

namespace Billing.Solana.Rpc;

/// <summary>A token amount in base units (no floating point); decimals only matter for display.</summary>
public sealed record TokenAmount(ulong Amount, byte Decimals)
{
    /// <summary>Exact decimal text such as "12.5" for Amount = 1250000000, Decimals = 8.</summary>
    public string ToDecimalString()
    {
        var digits = Amount.ToString(CultureInfo.InvariantCulture);
        if (Decimals == 0)
        {
            return digits;
        }

        digits = digits.PadLeft(Decimals + 1, '0');
        var whole = digits[..^Decimals];
        var fraction = digits[^Decimals..].TrimEnd('0');
        return fraction.Length == 0 ? whole : $"{whole}.{fraction}";
    }
}

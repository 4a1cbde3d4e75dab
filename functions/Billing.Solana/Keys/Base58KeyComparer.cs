namespace Billing.Solana.Keys;

/// <summary>
/// Orders base58 strings exactly like web3.js v1 orders account keys
/// (<c>a.localeCompare(b, 'en', { sensitivity: 'variant', numeric: false, caseFirst: 'lower' })</c>),
/// without ICU so the result is culture-independent under InvariantGlobalization.
/// For the base58 alphabet the ICU root collation reduces to: compare case-insensitively
/// (digits before letters, shorter prefix first); on a tie, the first case difference decides, lowercase first.
/// </summary>
public sealed class Base58KeyComparer : IComparer<string>, IComparer<PublicKey>
{
    public static Base58KeyComparer Instance { get; } = new();

    private Base58KeyComparer()
    {
    }

    public int Compare(PublicKey? x, PublicKey? y) => Compare(x?.ToString(), y?.ToString());

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        var common = Math.Min(x.Length, y.Length);

        // Primary strength: letters ignore case; digits sort before letters (true in ASCII too).
        for (var i = 0; i < common; i++)
        {
            var a = char.ToLowerInvariant(x[i]);
            var b = char.ToLowerInvariant(y[i]);
            if (a != b)
            {
                return a < b ? -1 : 1;
            }
        }

        if (x.Length != y.Length)
        {
            return x.Length < y.Length ? -1 : 1;
        }

        // Tertiary strength: the first case difference wins, lowercase first (caseFirst: 'lower').
        for (var i = 0; i < common; i++)
        {
            if (x[i] != y[i])
            {
                return char.IsLower(x[i]) ? -1 : 1;
            }
        }

        return 0;
    }
}

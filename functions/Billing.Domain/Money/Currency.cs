namespace Billing.Domain;

/// <summary>
/// An ISO 4217 currency with its minor-unit exponent (USD has 2: one cent is 10^-2 dollars).
/// Instances are interned singletons; obtain them through the static fields or <see cref="FromCode"/>.
/// </summary>
public sealed class Currency : IEquatable<Currency>
{
    public static readonly Currency USD = new("USD", 2);
    public static readonly Currency EUR = new("EUR", 2);
    public static readonly Currency GBP = new("GBP", 2);
    public static readonly Currency CHF = new("CHF", 2);
    public static readonly Currency CAD = new("CAD", 2);
    public static readonly Currency AUD = new("AUD", 2);
    public static readonly Currency JPY = new("JPY", 0);

    private static readonly Dictionary<string, Currency> Known = new[] { USD, EUR, GBP, CHF, CAD, AUD, JPY }
        .ToDictionary(c => c.Code, StringComparer.Ordinal);

    private Currency(string code, int exponent)
    {
        Code = code;
        Exponent = exponent;
    }

    /// <summary>Three upper-case letters, e.g. <c>USD</c>.</summary>
    public string Code { get; }

    /// <summary>Number of decimal places of the minor unit (USD 2, JPY 0).</summary>
    public int Exponent { get; }

    /// <summary>Codes this platform can bill in.</summary>
    public static IReadOnlyCollection<string> SupportedCodes => Known.Keys;

    /// <summary>Returns the currency for an exact upper-case ISO code; throws <see cref="ArgumentException"/> for unknown codes.</summary>
    public static Currency FromCode(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        return TryFromCode(code, out Currency? currency)
            ? currency
            : throw new ArgumentException(
                $"Unknown currency code '{code}'; supported: {string.Join(", ", Known.Keys.Order(StringComparer.Ordinal))}.",
                nameof(code));
    }

    public static bool TryFromCode(string? code, [NotNullWhen(true)] out Currency? currency)
    {
        currency = null;
        return code is not null && Known.TryGetValue(code, out currency);
    }

    public bool Equals(Currency? other) => other is not null && string.Equals(Code, other.Code, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as Currency);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Code);

    public override string ToString() => Code;

    public static bool operator ==(Currency? left, Currency? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(Currency? left, Currency? right) => !(left == right);
}

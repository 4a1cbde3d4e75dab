namespace Billing.Domain.Burns;

/// <summary>
/// The operator's bounds on the USD price of a token (docs/design.md §4.7), inclusive; either may be absent. A quote outside
/// them is no price to burn at, however sure the feed is of it: a glitch or a thin market at a millionth of the real price
/// would burn a million times the tokens, irreversibly.
/// </summary>
public sealed record PriceBand(PriceQuote? Min, PriceQuote? Max)
{
    public static PriceBand None { get; } = new(null, null);

    /// <summary>Whether <paramref name="price"/> is below <see cref="Min"/> (exactly: <see cref="PriceQuote.ComparePrice"/>).</summary>
    public bool IsBelow(PriceQuote price) => Min is not null && price.ComparePrice(Min) < 0;

    /// <summary>Whether <paramref name="price"/> is above <see cref="Max"/>.</summary>
    public bool IsAbove(PriceQuote price) => Max is not null && price.ComparePrice(Max) > 0;

    /// <summary>The bounds as written, e.g. "1.00..10.00", "1.00.." (no maximum) or "..10.00" (no minimum).</summary>
    public override string ToString() => $"{Min}..{Max}";
}

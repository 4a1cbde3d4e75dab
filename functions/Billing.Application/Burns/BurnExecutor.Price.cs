namespace Billing.Application.Burns;

/// <summary>The price a burn is signed at: never one the feed cannot vouch for (docs/design.md §4.7).</summary>
public sealed partial class BurnExecutor
{
    /// <summary>How far ahead of this clock a quote may say it was published (the feed's clock and ours differ a little).</summary>
    private static readonly TimeSpan PublishTimeSkew = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A new quote, or null with why the burn waits. Never the price stored on the intent: a row can be rewritten in storage,
    /// and a planted price would set how many tokens burn (that snapshot only says what an earlier signing used). A feed with no usable price (not trading, not there, a quote with no price exponent, too old, published
    /// ahead of time, too uncertain, outside the operator's price band) holds every burn alike, so it is a reason to wait, never
    /// to fail or skip a burn.
    /// </summary>
    private async Task<(PriceQuote? Price, string? WaitReason)> UsablePriceAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        PriceQuote quote;
        try
        {
            quote = await oracle.GetQuoteAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidDataException or InvalidOperationException)
        {
            return (null, $"waiting for a price: {ex.Message}");
        }

        return Unusable(quote, now) is { } reason ? (null, reason) : (quote, null);
    }

    private string? Unusable(PriceQuote price, DateTimeOffset now)
    {
        if (!price.IsPositive || !price.HasPriceExponent)
        {
            return $"waiting for a price: the {price.Source} quote {price} is no price (a positive mantissa, exponent {PriceQuote.MinExponent}..{PriceQuote.MaxExponent})";
        }

        if (price.PublishTime > now + PublishTimeSkew)
        {
            return $"waiting for a price: the {price.Source} quote says it was published at {price.PublishTime:O}, in the future";
        }

        if (price.Age(now) > options.Value.MaxPriceAge)
        {
            return $"waiting for a fresh price: the {price.Source} quote is {price.Age(now).TotalMinutes:0.#} min old (limit {options.Value.MaxPriceAge.TotalMinutes:0} min)";
        }

        int limit = options.Value.MaxPriceConfidenceBasisPoints;
        if (!price.ConfidenceWithin(limit))
        {
            return $"waiting for a confident price: the {price.Source} quote is {price} ± {price.ConfidenceText} USD (limit ±{limit / 100m:0.##} % of the price)";
        }

        return OutsideBand(price);
    }

    /// <summary>
    /// Why <paramref name="price"/> is no price to burn at for the operator's band (<c>MinTokenPriceUsd</c>..<c>MaxTokenPriceUsd</c>),
    /// or null. However sure the feed is of it, a quote far from the market (a glitch, a thin market) is the feed's condition
    /// like the others, shared by every burn: the burn waits for one inside rather than burn a multiple of its tokens or none.
    /// </summary>
    private string? OutsideBand(PriceQuote price)
    {
        var band = options.Value.Band();
        if (band.IsBelow(price))
        {
            return $"waiting for a price within the band: the {price.Source} quote {price} USD is below {BurnOptions.MinTokenPriceSetting} {band.Min} (band {band} USD)";
        }

        return band.IsAbove(price)
            ? $"waiting for a price within the band: the {price.Source} quote {price} USD is above {BurnOptions.MaxTokenPriceSetting} {band.Max} (band {band} USD)"
            : null;
    }
}

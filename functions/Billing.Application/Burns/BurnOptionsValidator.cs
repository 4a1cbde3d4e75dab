namespace Billing.Application.Burns;

/// <summary>
/// Checks <c>Billing:Burns</c> at start: a price source must be configured, every price setting be one a quote can hold (the
/// fixed price inside the price band, the band not empty), every duration make sense, and the retired treasury owners be
/// public keys other than the current owner.
/// </summary>
/// <param name="solana">The treasury settings, whose owner may not be listed as retired; none: not checked.</param>
public sealed class BurnOptionsValidator(IOptions<SolanaOptions>? solana = null) : IValidateOptions<BurnOptions>
{
    public ValidateOptionsResult Validate(string? name, BurnOptions o)
    {
        var failures = new List<string>();
        if (o.MaxPriceAge <= TimeSpan.Zero || o.MaxPriceAge > TimeSpan.FromHours(1))
        {
            failures.Add("Billing:Burns:MaxPriceAge must be between 0 and 1 hour.");
        }

        if (o.MaxPriceConfidenceBasisPoints is < 0 or > 10_000)
        {
            failures.Add("Billing:Burns:MaxPriceConfidenceBasisPoints must be between 0 and 10000 (hundredths of a percent of the price).");
        }

        if (string.IsNullOrWhiteSpace(o.FixedPrice) && string.IsNullOrWhiteSpace(o.PythPriceAccount))
        {
            failures.Add("Billing:Burns: set FixedPrice (local) or PythPriceAccount (clusters).");
        }

        var fixedPrice = Price(o.FixedPrice, "Billing:Burns:FixedPrice", failures);
        var band = new PriceBand(Price(o.MinTokenPriceUsd, BurnOptions.MinTokenPriceSetting, failures), Price(o.MaxTokenPriceUsd, BurnOptions.MaxTokenPriceSetting, failures));
        if (band is { Min: { } min, Max: { } max } && min.ComparePrice(max) > 0)
        {
            failures.Add($"{BurnOptions.MinTokenPriceSetting} {min} is above {BurnOptions.MaxTokenPriceSetting} {max}: no quote could be burned at.");
        }
        else if (fixedPrice is not null && string.IsNullOrWhiteSpace(o.PythPriceAccount) && (band.IsBelow(fixedPrice) || band.IsAbove(fixedPrice)))
        {
            // The price never changes, so every burn would wait for good; a Pyth account makes FixedPrice unused.
            failures.Add($"Billing:Burns:FixedPrice {fixedPrice} is outside the price band {band} USD ({BurnOptions.MinTokenPriceSetting}, {BurnOptions.MaxTokenPriceSetting}): every burn would wait.");
        }

        if (!string.IsNullOrWhiteSpace(o.PythPriceAccount) && !PublicKey.IsValid(o.PythPriceAccount))
        {
            failures.Add("Billing:Burns:PythPriceAccount must be a base58 public key (32 bytes).");
        }

        if (o.LeaseDuration < TimeSpan.FromSeconds(10))
        {
            failures.Add("Billing:Burns:LeaseDuration must be at least 10 seconds.");
        }

        if (o.ConfirmationWait < TimeSpan.Zero || o.ConfirmationWait >= o.LeaseDuration)
        {
            failures.Add("Billing:Burns:ConfirmationWait must be at least 0 and shorter than LeaseDuration.");
        }

        RetiredOwners(o, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>
    /// <see cref="BurnOptions.RetiredTreasuryOwners"/>: public keys, a few, and never the current owner (listed by mistake
    /// for the old key, the old key's landed burns would stay in flight). A key that is none is named by its place, never
    /// echoed: it may be a keypair pasted in its stead.
    /// </summary>
    private void RetiredOwners(BurnOptions o, List<string> failures)
    {
        var keys = o.RetiredOwners();
        var current = keys.Count > 0 && solana is not null ? TreasuryProvider.ConfiguredOwner(solana.Value) : null;
        RetiredKeys.Validate(keys, BurnOptions.RetiredTreasuryOwnersSetting, (BurnOptions.MaxRetiredTreasuryOwners, ": a key needs listing only until no burn it signed is in flight."),
            "earlier treasury owners", (current, "the current treasury owner (Billing:Solana): list only keys the treasury no longer uses."), failures);
    }

    /// <summary>
    /// The price a setting holds, null when it is empty or no price (with the failure added): a quote must be able to hold it,
    /// or every burn would wait ("no price") or fail (overflow) for good.
    /// </summary>
    private static PriceQuote? Price(string? text, string setting, List<string> failures)
    {
        try
        {
            var price = BurnOptions.ParsePrice(text, setting);
            if (price is null || price.HasPriceExponent)
            {
                return price;
            }
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            // No decimal, not positive, or more digits than a quote's mantissa holds: the failure below says what fits.
        }

        failures.Add($"{setting} '{text}' must be a positive decimal such as 2.50 ('.' for the point), with at most {-PriceQuote.MinExponent} decimals and its digits, read without the point, at most {long.MaxValue}.");
        return null;
    }
}

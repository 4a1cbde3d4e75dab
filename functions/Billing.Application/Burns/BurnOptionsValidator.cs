namespace Billing.Application.Burns;

/// <summary>Checks <c>Billing:Burns</c> at start: a price source must be configured and every duration make sense.</summary>
public sealed class BurnOptionsValidator : IValidateOptions<BurnOptions>
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

        if (!string.IsNullOrWhiteSpace(o.FixedPrice) && !IsUsableFixedPrice(o.FixedPrice))
        {
            failures.Add($"Billing:Burns:FixedPrice '{o.FixedPrice}' must be a positive decimal such as 2.50, with at most {-PriceQuote.MinExponent} decimals.");
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

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Whether the executor can burn at it: otherwise every burn would wait ("no price") or fail (overflow) for good.</summary>
    private static bool IsUsableFixedPrice(string text)
    {
        try
        {
            return PriceQuote.Parse(text, DateTimeOffset.UnixEpoch, "fixed").HasPriceExponent;
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            return false;
        }
    }
}

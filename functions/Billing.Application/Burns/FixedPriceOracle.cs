namespace Billing.Application.Burns;

/// <summary>A configured constant (local runs): always as fresh as the clock.</summary>
public sealed class FixedPriceOracle(string price, TimeProvider time) : IPriceOracle
{
    public Task<PriceQuote> GetQuoteAsync(CancellationToken cancellationToken) =>
        Task.FromResult(PriceQuote.Parse(price, time.GetUtcNow(), "fixed"));
}

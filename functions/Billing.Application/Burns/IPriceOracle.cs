namespace Billing.Application.Burns;

/// <summary>USD per token. Implementations report the publish time; the executor decides whether it is fresh enough.</summary>
public interface IPriceOracle
{
    Task<PriceQuote> GetQuoteAsync(CancellationToken cancellationToken);
}

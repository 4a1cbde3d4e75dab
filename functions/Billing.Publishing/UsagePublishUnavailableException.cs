namespace Billing.Publishing;

/// <summary>
/// Publishing failed in a way a later attempt may not (the service was busy or unreachable, a send timed out). The HTTP
/// layer answers 503 with Retry-After and reports nothing accepted. Batches sent before the failure may still reach
/// metering; the partner's retry is deduplicated there, so nothing is counted twice.
/// </summary>
public sealed class UsagePublishUnavailableException : Exception
{
    public UsagePublishUnavailableException(string message)
        : base(message)
    {
    }

    public UsagePublishUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

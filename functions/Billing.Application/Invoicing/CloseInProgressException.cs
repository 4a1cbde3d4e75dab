namespace Billing.Application.Invoicing;

/// <summary>Another close holds the period-close lease (HTTP 409, retry later). Closes run one at a time so that two of them never bill the same correction.</summary>
public sealed class CloseInProgressException()
    : Exception("another period close is running; retry when it has finished");

namespace Billing.Application.Payments;

/// <summary>Settling an invoice whose burn the ledger already books: never a second burn intent.</summary>
public sealed partial class PaymentProcessor
{
    /// <summary>The burn of an invoice the ledger books as burned: its row, or none (logged) when it was removed, as it is never created again.</summary>
    private async Task<string?> BookedBurnAsync(string invoiceId, CancellationToken cancellationToken)
    {
        string burnId = BurnIntent.IdFor(invoiceId);
        if (await burns.GetAsync(burnId, cancellationToken).ConfigureAwait(false) is not null)
        {
            return burnId;
        }

        LogBurnAlreadyBooked(logger, burnId, invoiceId);
        return null;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The ledger already books burn {BurnId} of {InvoiceId} but its burn row is gone (removed outside this platform): no burn is created again; ledger reconcile reports PaidWithoutBurn")]
    private static partial void LogBurnAlreadyBooked(ILogger logger, string burnId, string invoiceId);
}

namespace Billing.Application.Partners;

/// <summary>
/// Whether a payer a query names is a partner of this platform, for the routes that take <c>?payer=</c>. A payer whose
/// partner row is gone while its records remain (its audit trail, which every partner the platform made or seeded has,
/// or, were that removed too, its invoices) is no typo: its money stays readable, and the row's absence is a storage
/// problem, logged as an error and told to the caller (<see cref="PayerStanding.RowMissing"/>). The extra reads are
/// made only when the registry does not know the id.
/// </summary>
public sealed partial class PayerRecords(PartnerDirectory partners, PartnerStore store, InvoiceStore invoices, ILogger<PayerRecords> logger)
{
    public async Task<PayerStanding> StandingAsync(string payer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payer);
        if (await partners.IsPartnerAsync(payer, cancellationToken).ConfigureAwait(false))
        {
            return PayerStanding.Partner;
        }

        string? left = await store.HasAuditTrailAsync(payer, cancellationToken).ConfigureAwait(false) ? "audit trail"
            : await invoices.AnyOfPayerAsync(payer, cancellationToken).ConfigureAwait(false) ? "invoices"
            : null;
        if (left is null)
        {
            return PayerStanding.Unknown;
        }

        LogRowMissing(logger, payer, left);
        return PayerStanding.RowMissing;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Payer {PayerId} has no partner row but its {Left} remains: the row was removed outside the platform; its records are still read (restore the row; billing partners verify reports it)")]
    private static partial void LogRowMissing(ILogger logger, string payerId, string left);
}

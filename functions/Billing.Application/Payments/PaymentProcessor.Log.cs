namespace Billing.Application.Payments;

/// <summary>The payment processor's log messages.</summary>
public sealed partial class PaymentProcessor
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe event {EventId} for {InvoiceId} was already recorded; re-checking its effects only")]
    private static partial void LogReplay(ILogger logger, string eventId, string invoiceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe event {EventId} for {InvoiceId}: {Resolution}, {Detail}")]
    private static partial void LogDecision(ILogger logger, string eventId, string invoiceId, PaymentResolution resolution, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Settling the payments of {InvoiceId} failed; it stays marked and is retried")]
    private static partial void LogSettleFailed(ILogger logger, Exception exception, string invoiceId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The payments of {InvoiceId} cannot be settled: {Reason}. Nothing is booked or burned for it until the row is repaired; the other invoices are settled")]
    private static partial void LogUnreadable(ILogger logger, string invoiceId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The credit notes of {InvoiceId} cannot be read ({Reason}); settling it as if none stood: it must be paid in full and its burn is held")]
    private static partial void LogCreditsUnreadable(ILogger logger, string invoiceId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Burn intent {BurnId} created for {InvoiceId}: {AmountMinor} minor {Currency}")]
    private static partial void LogIntent(ILogger logger, string burnId, string invoiceId, long amountMinor, string currency);
}

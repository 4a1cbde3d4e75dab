namespace Billing.Domain.Invoicing;

/// <summary>
/// Invoice lifecycle: draft → finalized → (partially_paid →) paid; draft or finalized → void. Payment states only move
/// forward: money received is never un-received.
/// </summary>
public enum InvoiceStatus
{
    Draft,
    Finalized,
    Paid,
    Void,

    /// <summary>Some, not all, of the total has been received in the invoice's currency.</summary>
    PartiallyPaid,
}

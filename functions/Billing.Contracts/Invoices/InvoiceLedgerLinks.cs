namespace Billing.Contracts.Invoices;

/// <summary>Where an invoice is booked in the ledger, and the path of its inclusion proof (CLI <c>invoices verify</c>).</summary>
public sealed record InvoiceLedgerLinks(string EntryId, string Proof);

namespace Billing.Contracts.Invoices;

/// <summary>
/// An invoice whose stored row cannot be read (changed outside the platform): its id and why. It is left out of the
/// answer and never acted on; partners get the reason in general terms, finance the row and property.
/// </summary>
public sealed record UnreadableInvoice(string Id, string Reason);

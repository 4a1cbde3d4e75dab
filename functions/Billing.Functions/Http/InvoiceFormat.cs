namespace Billing.Functions.Http;

/// <summary>What an invoice route answers with (<see cref="InvoiceFormats.Negotiate"/>).</summary>
public enum InvoiceFormat
{
    Json,
    Csv,
    Pdf,
}

namespace Billing.Contracts.Invoices;

/// <summary>Response headers of <c>GET /api/v1/invoices</c>.</summary>
public static class InvoiceListHeaders
{
    /// <summary>
    /// On the CSV answer (which has no room for them): the ids of invoices whose stored rows cannot be read, each
    /// percent-encoded, separated by commas, the first <see cref="MaxNamed"/>. The JSON answer lists them in <c>unreadable</c>.
    /// </summary>
    public const string Unreadable = "Billing-Unreadable-Invoices";

    public const int MaxNamed = UnreadableRowsHeader.MaxNamed;
}

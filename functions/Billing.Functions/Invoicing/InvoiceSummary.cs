using System.Text.Json.Nodes;
using Billing.Domain.Events;
using Billing.Domain.Invoicing;

namespace Billing.Functions.Invoicing;

/// <summary>The list form of an invoice: everything but the lines.</summary>
public static class InvoiceSummary
{
    public static JsonObject ToJson(Invoice invoice) => new()
    {
        ["id"] = invoice.Id.ToString(),
        ["payer"] = invoice.Payer,
        ["plan"] = invoice.PlanId,
        ["period"] = new JsonObject { ["start"] = Rfc3339.Format(invoice.Period.Start), ["end"] = Rfc3339.Format(invoice.Period.End) },
        ["status"] = InvoiceJson.StatusName(invoice.Status),
        ["currency"] = invoice.Currency.Code,
        ["total"] = invoice.Total.ToString(),
        ["totalMinor"] = invoice.Total.MinorUnits,
        ["lines"] = invoice.Lines.Count,
        ["stripeInvoiceId"] = invoice.StripeInvoiceId,
    };

    public static JsonArray ToJson(IEnumerable<Invoice> invoices) => new(invoices.Select(i => (JsonNode?)ToJson(i)).ToArray());
}

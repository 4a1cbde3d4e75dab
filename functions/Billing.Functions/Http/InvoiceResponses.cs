using Billing.Contracts.Invoices;
using Billing.Domain.Events;
using Billing.Domain.Invoicing;

namespace Billing.Functions.Http;

/// <summary>Invoices as the API shows them in lists (<see cref="InvoiceSummaryResponse"/>): everything but the lines.</summary>
public static class InvoiceResponses
{
    public static InvoiceSummaryResponse Summary(Invoice invoice) => new(
        invoice.Id.ToString(),
        invoice.Payer,
        invoice.PlanId,
        new InvoicePeriodRange(Rfc3339.Format(invoice.Period.Start), Rfc3339.Format(invoice.Period.End)),
        InvoiceJson.StatusName(invoice.Status),
        invoice.Currency.Code,
        invoice.Total.ToString(),
        invoice.Total.MinorUnits,
        invoice.Lines.Count,
        invoice.StripeInvoiceId);

    public static IReadOnlyList<InvoiceSummaryResponse> Summaries(IEnumerable<Invoice> invoices) => invoices.Select(Summary).ToList();
}

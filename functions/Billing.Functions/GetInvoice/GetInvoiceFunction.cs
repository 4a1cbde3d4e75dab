using System.Text.Json.Nodes;
using Billing.Domain.Ledger;
using Billing.Domain.Invoicing;
using Billing.Domain.Partners;
using Billing.Functions.Infrastructure;
using Billing.Functions.ListInvoices;
using Billing.Functions.Http;
using Billing.Storage;

namespace Billing.Functions.GetInvoice;

/// <summary>GET /api/v1/invoices/{id}: the invoice JSON, or CSV. The payer it bills and finance may read it.</summary>
public sealed class GetInvoiceFunction(PartnerDirectory partners, InvoiceStore invoices)
{
    public async Task<IResult> InvokeAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var caller = await partners.AuthenticateAsync(request, cancellationToken).ConfigureAwait(false);
        if (caller is null)
        {
            return Problem.Unauthorized().ToResult();
        }

        InvoiceId invoiceId;
        try
        {
            invoiceId = InvoiceId.Parse(id);
        }
        catch (FormatException ex)
        {
            return Problem.BadRequest(ex.Message, new FieldError("id", "must look like INV-{payer}-{yyyyMM}")).ToResult();
        }

        // Authorise on the id before reading, so a partner cannot probe which invoices exist.
        if (caller.Role != PartnerRole.Finance && invoiceId.Payer != caller.Id)
        {
            return Problem.Forbidden($"'{caller.Id}' may read only its own invoices").ToResult();
        }

        var invoice = await invoices.GetAsync(invoiceId, cancellationToken).ConfigureAwait(false);
        if (invoice is null)
        {
            return new Problem(404, "Not found", $"invoice '{invoiceId}' does not exist (is the period closed?)").ToResult();
        }

        return InvoiceFormats.WantsCsv(request)
            ? InvoiceFormats.Csv([invoice], $"{invoiceId}.csv")
            : Results.Text(WithLedgerLinks(InvoiceJson.Serialize(invoice), invoiceId), "application/json");
    }

    /// <summary>Adds <c>"ledger":{"entryId","proof"}</c>: where the invoice is booked and its inclusion proof (CLI <c>invoices verify</c>).</summary>
    private static string WithLedgerLinks(string json, InvoiceId invoiceId)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        string entryId = LedgerEntries.InvoiceFinalizedId(invoiceId.ToString());
        node["ledger"] = new JsonObject
        {
            ["entryId"] = entryId,
            ["proof"] = "/api/v1/ledger/proof/" + Uri.EscapeDataString(entryId),
        };
        return node.ToJsonString();
    }
}

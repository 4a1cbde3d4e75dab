using System.Globalization;
using System.Text.Json.Nodes;
using Billing.Domain.Burns;
using Billing.Domain.Partners;
using Billing.Functions.Infrastructure;
using Billing.Storage;

namespace Billing.Functions.ListBurns;

/// <summary>GET /api/v1/burns?invoiceId= (finance).</summary>
public sealed class ListBurnsFunction(PartnerDirectory partners, BurnStore burns)
{
    public async Task<IResult> InvokeAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var caller = await partners.AuthenticateAsync(request, cancellationToken).ConfigureAwait(false);
        if (caller is null)
        {
            return Problem.Unauthorized().ToResult();
        }

        if (caller.Role != PartnerRole.Finance)
        {
            return Problem.Forbidden("only finance may list burns").ToResult();
        }

        string? invoiceId = request.Query["invoiceId"];
        var list = await burns.ListAsync(string.IsNullOrEmpty(invoiceId) ? null : invoiceId, cancellationToken).ConfigureAwait(false);
        return Results.Text(new JsonArray(list.Select(b => (JsonNode?)ToJson(b)).ToArray()).ToJsonString(), "application/json");
    }

    public static JsonObject ToJson(BurnIntent b) => new()
    {
        ["id"] = b.Id,
        ["invoiceId"] = b.InvoiceId,
        ["usdMinor"] = b.UsdMinor,
        ["price"] = b.Price?.ToString(),
        ["tokenAmount"] = b.TokenAmount.ToString(CultureInfo.InvariantCulture), // u64: a string so JSON readers lose nothing
        ["decimals"] = b.Decimals,
        ["status"] = b.Status.ToString().ToLowerInvariant(),
        ["signature"] = b.Signature,
        ["slot"] = b.Slot,
        ["payer"] = b.Payer,
        ["currency"] = b.Currency,
        ["mint"] = b.Mint,
        ["memo"] = b.Memo,
        ["reason"] = b.Reason,
        ["signings"] = b.Signings,
        ["createdAt"] = b.CreatedAt,
        ["updatedAt"] = b.UpdatedAt,
    };
}

using Billing.Contracts.Burns;
using Billing.Domain.Burns;

namespace Billing.Functions.ListBurns;

/// <summary>GET /api/v1/burns?invoiceId= (finance).</summary>
public static class ListBurnsFunction
{
    public const string Route = "/api/v1/burns";

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapGet(Route, HandleAsync).WithName("ListBurns").Produces<IReadOnlyList<BurnView>>().RequireRoles("only finance may list burns", PartnerRole.Finance);

    public static async Task<JsonHttpResult<IReadOnlyList<BurnView>>> HandleAsync(HttpRequest request, BurnStore burns, CancellationToken cancellationToken)
    {
        string? invoiceId = request.Query["invoiceId"];
        var list = await burns.ListAsync(string.IsNullOrEmpty(invoiceId) ? null : invoiceId, cancellationToken).ConfigureAwait(false);
        return TypedResults.Json<IReadOnlyList<BurnView>>([.. list.Select(ToView)], BillingJsonContext.Default.IReadOnlyListBurnView);
    }

    public static BurnView ToView(BurnIntent burn)
    {
        ArgumentNullException.ThrowIfNull(burn);
        return new BurnView(
            burn.Id,
            burn.InvoiceId,
            burn.UsdMinor,
            burn.Price?.ToString(),
            burn.TokenAmount.ToString(CultureInfo.InvariantCulture), // u64: a string so JSON readers lose nothing
            burn.Decimals,
            burn.Status.ToString().ToLowerInvariant(),
            burn.Signature,
            burn.Slot,
            burn.Payer,
            burn.Currency,
            burn.Mint,
            burn.Memo,
            burn.Reason,
            burn.Signings,
            burn.CreatedAt,
            burn.UpdatedAt);
    }
}

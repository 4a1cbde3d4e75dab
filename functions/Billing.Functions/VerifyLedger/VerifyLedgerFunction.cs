using Billing.Application.Ledger;
using Billing.Contracts;
using Billing.Contracts.Ledger;
using Billing.Domain.Partners;
using Billing.Functions.Http;
using Billing.Functions.LedgerEntriesHttp;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Billing.Functions.VerifyLedger;

/// <summary>GET /api/v1/ledger/verify (finance): the book against the anchors on chain.</summary>
public static class VerifyLedgerFunction
{
    public const string Route = "/api/v1/ledger/verify";

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapGet(Route, HandleAsync).WithName("VerifyLedger").Produces<LedgerVerifyResponse>().RequireRoles(LedgerContract.Forbidden, PartnerRole.Finance);

    public static async Task<JsonHttpResult<LedgerVerifyResponse>> HandleAsync(LedgerAudit audit, CancellationToken cancellationToken)
    {
        var result = await audit.VerifyAsync(cancellationToken).ConfigureAwait(false);
        var body = new LedgerVerifyResponse(
            result.Ok, result.Entries, result.Anchors, result.PendingAnchors, result.Authority, result.Ledger,
            [.. result.Problems.Select(p => p.ToString())],
            [.. result.Problems.Select(p => new AuditFinding(p.Kind, p.Subject, p.Detail))]);
        return TypedResults.Json(body, BillingJsonContext.Default.LedgerVerifyResponse);
    }
}

using System.Text.Json.Serialization.Metadata;
using Billing.Contracts.Periods;
using Billing.Contracts.Rollups;

namespace Billing.Cli.Api.Responses;

/// <summary>
/// The one place the CLI turns API answers into records: the server's own <see cref="Billing.Contracts"/> records,
/// read with the <see cref="BillingJsonContext"/> the server writes them with, so the server is the contract. Raw JSON
/// is still printed as the API sent it (<c>--json</c>); only reading goes through here.
/// </summary>
public static class ApiResponseReader
{
    /// <summary><c>GET /api/v1/usage</c>.</summary>
    public static UsageQueryResponse Usage(JsonNode? body) => Read(body, BillingJsonContext.Default.UsageQueryResponse, "usage");

    /// <summary><c>GET /api/v1/invoices</c>.</summary>
    public static InvoiceListResponse InvoiceList(JsonNode? body) => Read(body, BillingJsonContext.Default.InvoiceListResponse, "invoice list");

    /// <summary><c>POST /api/v1/periods/{month}/close</c>.</summary>
    public static PeriodCloseResponse PeriodClose(JsonNode? body) => Read(body, BillingJsonContext.Default.PeriodCloseResponse, "period close");

    /// <summary><c>GET /api/v1/invoices/{id}</c>; null when the answer is not a JSON object.</summary>
    public static InvoiceResponse? Invoice(JsonNode? body) =>
        body is JsonObject ? Read(body, BillingJsonContext.Default.InvoiceResponse, "invoice") : null;

    /// <summary><c>GET /api/v1/burns</c>: a bare array, as the server writes it.</summary>
    public static BurnView Burn(JsonNode? body) => Read(body, BillingJsonContext.Default.BurnView, "burn");

    public static IReadOnlyList<BurnView> Burns(JsonNode? body) => Read(body, BillingJsonContext.Default.IReadOnlyListBurnView, "burn list");

    /// <summary><c>GET /api/v1/quarantine</c>.</summary>
    public static QuarantineListResponse QuarantineList(JsonNode? body) => Read(body, BillingJsonContext.Default.QuarantineListResponse, "quarantine list");

    /// <summary><c>GET /api/v1/quarantine/{id}</c>.</summary>
    public static QuarantinedEventResponse QuarantinedEvent(JsonNode? body) => Read(body, BillingJsonContext.Default.QuarantinedEventResponse, "quarantined event");

    /// <summary><c>POST /api/v1/quarantine/{id}/replay</c>: a 200 answer.</summary>
    public static QuarantineReplayResponse QuarantineReplay(JsonNode? body) => Read(body, BillingJsonContext.Default.QuarantineReplayResponse, "quarantine replay");

    /// <summary><c>GET /api/v1/ledger/verify</c>.</summary>
    public static LedgerVerifyResponse LedgerVerification(JsonNode? body) => Read(body, BillingJsonContext.Default.LedgerVerifyResponse, "ledger verification");

    /// <summary><c>POST /api/v1/ledger/reconcile/acknowledgements</c>.</summary>
    public static AcknowledgeFindingResponse Acknowledgement(JsonNode? body) => Read(body, BillingJsonContext.Default.AcknowledgeFindingResponse, "acknowledgement");

    /// <summary><c>GET /api/v1/ledger/reconcile</c>.</summary>
    public static LedgerReconcileResponse LedgerReconciliation(JsonNode? body) => Read(body, BillingJsonContext.Default.LedgerReconcileResponse, "ledger reconciliation");

    /// <summary><c>GET /api/v1/ledger/balances</c>: its rows.</summary>
    public static IReadOnlyList<LedgerBalance> LedgerBalances(JsonNode? body) =>
        Read(body, BillingJsonContext.Default.LedgerBalancesResponse, "ledger balances").Balances ?? [];

    /// <summary><c>GET /api/v1/partners</c>.</summary>
    public static PartnerListResponse PartnerList(JsonNode? body) => Read(body, BillingJsonContext.Default.PartnerListResponse, "partner list");

    /// <summary><c>GET</c> or <c>PATCH /api/v1/partners/{id}</c>.</summary>
    public static PartnerView Partner(JsonNode? body) => Read(body, BillingJsonContext.Default.PartnerView, "partner");

    /// <summary><c>POST /api/v1/partners</c>.</summary>
    public static PartnerCreatedResponse PartnerCreated(JsonNode? body) => Read(body, BillingJsonContext.Default.PartnerCreatedResponse, "created partner");

    /// <summary><c>POST /api/v1/partners/{id}/keys</c>.</summary>
    public static PartnerKeyRotatedResponse PartnerKeyRotated(JsonNode? body) => Read(body, BillingJsonContext.Default.PartnerKeyRotatedResponse, "rotated key");

    /// <summary><c>GET /api/v1/audit</c> and <c>GET /api/v1/partners/{id}/audit</c>: one page.</summary>
    public static AuditListResponse AuditPage(JsonNode? body) => Read(body, BillingJsonContext.Default.AuditListResponse, "audit page");

    /// <summary><c>GET /api/v1/audit/verify</c> and <c>GET /api/v1/partners/{id}/audit/verify</c>.</summary>
    public static AuditVerifyResponse AuditVerification(JsonNode? body) => Read(body, BillingJsonContext.Default.AuditVerifyResponse, "audit verification");

    /// <summary><c>GET /api/v1/rollups/verify</c>.</summary>
    public static RollupVerifyResponse RollupVerification(JsonNode? body) => Read(body, BillingJsonContext.Default.RollupVerifyResponse, "rollup verification");

    /// <summary><c>POST /api/v1/rollups/rebuild</c>.</summary>
    public static RollupRebuildResponse RollupRebuild(JsonNode? body) => Read(body, BillingJsonContext.Default.RollupRebuildResponse, "rollup rebuild");

    /// <summary><c>GET /api/health</c>: its <c>status</c>.</summary>
    public static string? HealthStatus(JsonNode? body) => body is JsonObject ? Read(body, BillingJsonContext.Default.HealthResponse, "health").Status : null;

    /// <summary>
    /// <c>POST /api/v1/usage</c>: the 202 body, or the 400 "No event accepted" problem, which carries the same
    /// <c>accepted</c> and <c>rejected</c> fields. Null when the body is not a JSON object of that shape (a proxy's
    /// error page, a 413); <see cref="UsageAcceptedResponse.Rejected"/> is null when the answer has no <c>rejected</c>.
    /// </summary>
    public static UsageAcceptedResponse? Ingest(string body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, BillingJsonContext.Default.UsageAcceptedResponse);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static T Read<T>(JsonNode? body, JsonTypeInfo<T> type, string what)
    {
        try
        {
            return body.Deserialize(type) ?? throw new OperationFailedException($"the API answered with no {what}");
        }
        catch (JsonException ex)
        {
            throw new OperationFailedException($"the API's {what} does not have the contract's shape: {ex.Message}");
        }
    }
}

using Billing.Contracts.Health;
using Billing.Contracts.Periods;
using Billing.Contracts.Burns;
using Billing.Contracts.Partners;
using Billing.Contracts.Payments;
using Billing.Contracts.Problems;
using Billing.Contracts.Quarantine;
using Billing.Contracts.Rollups;
using Billing.Contracts.Usage;
using Billing.Contracts.WebConsole;

namespace Billing.Contracts;

/// <summary>
/// Source-generated JSON for every public API record. All <c>[JsonSerializable]</c> attributes sit on this one
/// declaration: the generator (.NET 10) fails with a duplicate hint name ("BillingJsonContext.Decimal.g.cs") when two
/// partial declarations of the context carry them, so the per-area partial files planned first cannot be used.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(ApiProblem))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(InvoiceListResponse))]
[JsonSerializable(typeof(InvoiceResponse))]
[JsonSerializable(typeof(PeriodCloseResponse))]
[JsonSerializable(typeof(UsageQueryResponse))]
[JsonSerializable(typeof(UsageAcceptedResponse))]
[JsonSerializable(typeof(IReadOnlyList<RejectedEvent>))]
// Payments, burns, ledger. Two attributed partial declarations make the generator emit the context twice (CS8785).
[JsonSerializable(typeof(StripeWebhookIgnored))]
[JsonSerializable(typeof(StripeWebhookRecorded))]
[JsonSerializable(typeof(StripeWebhookCreditNote))]
[JsonSerializable(typeof(StripeWebhookRefund))]
[JsonSerializable(typeof(StripeWebhookDispute))]
[JsonSerializable(typeof(ReleaseBurnRequest))]
[JsonSerializable(typeof(StripeWebhookInvoicePayment))]
[JsonSerializable(typeof(IReadOnlyList<BurnView>))]
[JsonSerializable(typeof(LedgerVerifyResponse))]
[JsonSerializable(typeof(LedgerReconcileResponse))]
[JsonSerializable(typeof(AcknowledgeFindingRequest))]
[JsonSerializable(typeof(AcknowledgeFindingResponse))]
[JsonSerializable(typeof(LedgerBalancesResponse))]
[JsonSerializable(typeof(LedgerEntriesResponse))]
[JsonSerializable(typeof(LedgerUnreadableRowView))]
[JsonSerializable(typeof(LedgerProofResponse))]
[JsonSerializable(typeof(RollupVerifyResponse))]
[JsonSerializable(typeof(RollupRebuildResponse))]
// Partner management and its audit trail.
[JsonSerializable(typeof(PartnerView))]
[JsonSerializable(typeof(PartnerListResponse))]
[JsonSerializable(typeof(UnreadablePartner))]
[JsonSerializable(typeof(PartnerCreatedResponse))]
[JsonSerializable(typeof(PartnerKeyRotatedResponse))]
[JsonSerializable(typeof(CreatePartnerRequest))]
[JsonSerializable(typeof(UpdatePartnerRequest))]
[JsonSerializable(typeof(AuditListResponse))]
[JsonSerializable(typeof(AuditVerifyResponse))]
// Events metering set aside.
[JsonSerializable(typeof(QuarantineListResponse))]
[JsonSerializable(typeof(QuarantinedEventResponse))]
[JsonSerializable(typeof(QuarantineReplayResponse))]
// The caller of a key, and the web console's explorer settings.
[JsonSerializable(typeof(CallerResponse))]
[JsonSerializable(typeof(ConsoleConfigResponse))]
public sealed partial class BillingJsonContext : JsonSerializerContext;

using System.Text.Json;
using System.Text.Json.Serialization;
using Billing.Contracts.Burns;
using Billing.Contracts.Ledger;
using Billing.Contracts.Payments;
using Billing.Contracts.Problems;

namespace Billing.Contracts;

/// <summary>
/// Source-generated JSON for every public API record, listed with <c>[JsonSerializable]</c> on this one declaration (the
/// generator cannot take them from several partial declarations).
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(ApiProblem))]
// Payments, burns, ledger. Two attributed partial declarations make the generator emit the context twice (CS8785).
[JsonSerializable(typeof(StripeWebhookIgnored))]
[JsonSerializable(typeof(StripeWebhookRecorded))]
[JsonSerializable(typeof(IReadOnlyList<BurnView>))]
[JsonSerializable(typeof(LedgerVerifyResponse))]
[JsonSerializable(typeof(LedgerReconcileResponse))]
[JsonSerializable(typeof(LedgerBalancesResponse))]
[JsonSerializable(typeof(LedgerEntriesResponse))]
[JsonSerializable(typeof(LedgerProofResponse))]
public sealed partial class BillingJsonContext : JsonSerializerContext;

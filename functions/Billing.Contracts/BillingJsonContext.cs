using System.Text.Json;
using System.Text.Json.Serialization;
using Billing.Contracts.Problems;

namespace Billing.Contracts;

/// <summary>
/// Source-generated JSON for every public API record. Each area adds its types with <c>[JsonSerializable]</c> on its own
/// partial declaration (<c>BillingJsonContext.Usage.cs</c>, …), so areas do not edit one list.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(ApiProblem))]
public sealed partial class BillingJsonContext : JsonSerializerContext;

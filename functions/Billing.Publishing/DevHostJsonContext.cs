using System.Text.Json.Serialization;

namespace Billing.Publishing;

[JsonSerializable(typeof(DevHostHubRequest))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class DevHostJsonContext : JsonSerializerContext;

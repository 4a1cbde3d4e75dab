namespace Billing.Functions.OpenApiHttp;

/// <summary>
/// A query parameter a route reads itself (from <c>HttpContext</c>, so the framework cannot see it), as
/// <see cref="BillingOpenApi.Query"/> declares it in the document: optional, of <see cref="Type"/>, one of
/// <see cref="Values"/> when given.
/// </summary>
public sealed record QueryParameter(string Name, string Description, JsonSchemaType Type = JsonSchemaType.String, IReadOnlyList<string>? Values = null);

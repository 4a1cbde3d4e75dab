namespace Billing.Functions.Http;

/// <summary>
/// A query parameter a route takes (it reads it from <c>HttpContext</c>, so the framework cannot see it), as
/// <see cref="DeclaredQuery.Query"/> declares it: in the OpenAPI document of <see cref="Type"/>, one of <see cref="Values"/>
/// when given, and <see cref="Required"/> when the route answers 400 without it; on a keyed route any other name is refused.
/// </summary>
public sealed record QueryParameter(string Name, string Description, JsonSchemaType Type = JsonSchemaType.String, IReadOnlyList<string>? Values = null, bool Required = false);

using Microsoft.AspNetCore.OpenApi;

namespace Billing.Functions.OpenApiHttp;

/// <summary>
/// The OpenAPI 3.1 document, generated from the mapped endpoints: only the public routes (<c>/api/…</c>, not the host's
/// invocations), the <c>X-Api-Key</c> scheme on every route that requires roles (with its 401 and 403 problem answers and
/// the roles admitted), and nothing that varies between runs (no servers: the host decides where the API lives).
/// </summary>
public static class BillingOpenApi
{
    public const string DocumentName = "v1";
    public const string ApiKeyScheme = "ApiKey";
    private const string InternalErrorResponse = "InternalError";
    private const string UnavailableResponse = "Unavailable";

    public static IServiceCollection AddBillingOpenApi(this IServiceCollection services) =>
        services
            // Schemas follow the framework's JSON options: numbers are numbers, as the API writes them (no route reads JSON it binds).
            .ConfigureHttpJsonOptions(j => j.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict)
            .AddOpenApi(DocumentName, o =>
        {
            o.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            o.ShouldInclude = d => d.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "DePIN usage and billing API",
                    Version = DocumentName,
                    Description = "Partners post usage, finance closes periods and reads invoices, burns and the ledger. Errors are application/problem+json. " +
                        $"Every answer about stored data that cannot be read, is missing or was planted (changed or removed outside the platform) has `type` {Contracts.Problems.ApiProblem.StorageIntegrityType} whatever its status " +
                        "(500s; the 409s of a close record, ledger rows, fact rows or a quarantine row that cannot be read; the Stripe webhook's 503): not to be retried as is.",
                };
                document.Servers?.Clear();
                document.Components ??= new OpenApiComponents();
                document.Components.Responses ??= new Dictionary<string, IOpenApiResponse>();
                document.Components.Responses[InternalErrorResponse] = Problem(
                    "An unexpected failure (`type` https://depin-billing.dev/problems/500; `detail` names the trace id under which the operator's log has the cause); or " +
                    $"stored data the request needs cannot be read or is missing, changed or removed outside the platform (`type` {Contracts.Problems.ApiProblem.StorageIntegrityType}; " +
                    "`title` and `detail` say what): not transient, the same request gets the same answer until finance repairs the data, so it is not to be retried.", document);
                var unavailable = Problem("Transient: storage, Stripe or the Solana RPC busy or unreachable, or a write race lost. Nothing was lost; resend the same request after Retry-After.", document);
                unavailable.Headers = new Dictionary<string, IOpenApiHeader>
                {
                    ["Retry-After"] = new OpenApiHeader { Description = "Seconds to wait before resending.", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } },
                };
                document.Components.Responses[UnavailableResponse] = unavailable;
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = "X-Api-Key",
                    Description = "A partner's API key; the partner's role decides which routes it may call.",
                };
                return Task.CompletedTask;
            });
            o.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                operation.Responses ??= [];
                foreach (var header in metadata.OfType<DocumentedHeaders.Header>())
                {
                    if (operation.Responses.TryGetValue(header.Status.ToString(CultureInfo.InvariantCulture), out var response) && response is OpenApiResponse declared)
                    {
                        declared.Headers ??= new Dictionary<string, IOpenApiHeader>();
                        declared.Headers[header.Name] = new OpenApiHeader { Description = header.Description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
                    }
                }

                AddQueryParameters(operation, DeclaredQuery.Of(metadata)); // the declaration the keyed routes' filter enforces

                // What UnhandledErrors answers on any route, and the storage-integrity 500 a route answers itself: one description.
                operation.Responses["500"] = new OpenApiResponseReference(InternalErrorResponse, context.Document);
                operation.Responses.TryAdd("503", new OpenApiResponseReference(UnavailableResponse, context.Document));
                if (context.Description.HttpMethod is "POST" or "PUT" or "PATCH")
                {
                    operation.Responses.TryAdd("408", Problem("The body arrived too slowly and was not read to its end (field `$`); nothing was done: send the request again.", context.Document));
                    operation.Responses.TryAdd("413", Problem("The body is larger than the server reads (field `$`); nothing was done.", context.Document));
                }

                var access = metadata.OfType<EndpointAccess.AllowedRoles>().FirstOrDefault();
                if (access is null)
                {
                    return Task.CompletedTask;
                }

                string roles = string.Join(", ", access.Roles.Order().Select(r => r.ToString().ToLowerInvariant()));
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, context.Document)] = [] }];
                operation.Responses ??= [];
                operation.Responses.TryAdd("401", Problem("No valid X-Api-Key header.", context.Document));
                operation.Responses.TryAdd("403", Problem($"The caller's role may not use this route (admitted: {roles}).", context.Document));
                operation.Responses.TryAdd("400", Problem("A query parameter the route does not take, or one given more than once (the problem names each).", context.Document)); // DeclaredQuery, on every keyed route
                operation.Description = string.IsNullOrEmpty(operation.Description) ? $"Roles: {roles}." : $"{operation.Description} Roles: {roles}.";
                return Task.CompletedTask;
            });
        });

    /// <summary>
    /// Documents the route's 200 <c>application/json</c> answer as <paramref name="types"/> (one of them when several): the
    /// framework keeps one <c>Produces</c> per status, so a second content type, or a second answer, would replace the first.
    /// </summary>
    public static RouteHandlerBuilder JsonAnswer(this RouteHandlerBuilder builder, params Type[] types) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, ct) =>
        {
            var references = new List<IOpenApiSchema>();
            foreach (var type in types)
            {
                context.Document!.AddComponent(type.Name, await context.GetOrCreateSchemaAsync(type, null, ct).ConfigureAwait(false));
                references.Add(new OpenApiSchemaReference(type.Name, context.Document));
            }

            var answer = operation.Responses!["200"];
            answer.Content![System.Net.Mime.MediaTypeNames.Application.Json] = new OpenApiMediaType
            {
                Schema = references.Count == 1 ? references[0] : new OpenApiSchema { OneOf = references },
            };
        });

    /// <summary>The document as JSON, exactly as served and committed.</summary>
    public static async Task<string> RenderAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var provider = services.GetRequiredKeyedService<IOpenApiDocumentProvider>(DocumentName);
        var document = await provider.GetOpenApiDocumentAsync(cancellationToken).ConfigureAwait(false);
        string json = await document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1, cancellationToken).ConfigureAwait(false);
        return json.ReplaceLineEndings("\n") + "\n";
    }

    /// <summary>The query parameters a route declared (<see cref="DeclaredQuery.Query"/>): optional, typed, their values listed when fixed.</summary>
    private static void AddQueryParameters(OpenApiOperation operation, IReadOnlyList<QueryParameter> parameters)
    {
        if (parameters.Count == 0)
        {
            return;
        }

        operation.Parameters ??= [];
        foreach (var p in parameters)
        {
            var schema = new OpenApiSchema { Type = p.Type };
            if (p.Values is { } values)
            {
                schema.Enum = [.. values.Select(v => (System.Text.Json.Nodes.JsonNode)System.Text.Json.Nodes.JsonValue.Create(v))];
            }

            operation.Parameters.Add(new OpenApiParameter { Name = p.Name, In = ParameterLocation.Query, Description = p.Description, Required = p.Required, Schema = schema });
        }
    }

    private static OpenApiResponse Problem(string description, OpenApiDocument? document) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            [Contracts.Problems.ApiProblem.ContentType] = new() { Schema = new OpenApiSchemaReference(nameof(Contracts.Problems.ApiProblem), document) },
        },
    };
}

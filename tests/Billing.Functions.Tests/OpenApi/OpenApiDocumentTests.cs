using Billing.Functions.OpenApiHttp;

namespace Billing.Functions.Tests.OpenApi;

/// <summary>
/// The committed <c>openapi.json</c> is the document the endpoints generate. After changing a route, regenerate it with
/// <c>UPDATE_OPENAPI=1 ./run test --filter "FullyQualifiedName~OpenApiDocumentTests"</c> and commit the file.
/// </summary>
public sealed class OpenApiDocumentTests
{
    private static readonly string Committed = Path.Combine(RepositoryRoot.Path, "openapi.json");

    private static async Task<string> GenerateAsync()
    {
        await using var app = InProcessApp.Build();
        return await BillingOpenApi.RenderAsync(app.Services, CancellationToken.None);
    }

    [Fact]
    public async Task Document_GeneratedFromTheEndpoints_IsTheCommittedFile()
    {
        string generated = await GenerateAsync();
        if (Environment.GetEnvironmentVariable("UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(Committed, generated);
        }

        Assert.True(File.Exists(Committed), "openapi.json is missing at the repository root; run the test with UPDATE_OPENAPI=1");
        Assert.True(generated == (await File.ReadAllTextAsync(Committed)).ReplaceLineEndings("\n"),
            "openapi.json differs from the document the endpoints generate; run the test with UPDATE_OPENAPI=1 and commit the file");
    }

    [Fact]
    public async Task Document_GeneratedTwice_IsTheSame()
    {
        Assert.Equal(await GenerateAsync(), await GenerateAsync());
    }

    [Fact]
    public async Task Document_EveryKeyedOperation_Declares400ForAnUnknownOrRepeatedQueryParameter()
    {
        // DeclaredQuery refuses an undeclared or repeated parameter on every route behind an API key, whatever else the route checks.
        using var doc = System.Text.Json.JsonDocument.Parse(await GenerateAsync());
        var keyed = doc.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => (Name: $"{op.Name.ToUpperInvariant()} {path.Name}", Operation: op.Value)))
            .Where(o => o.Operation.TryGetProperty("security", out _))
            .ToList();

        Assert.NotEmpty(keyed);
        Assert.All(keyed, o => Assert.True(o.Operation.GetProperty("responses").TryGetProperty("400", out _), $"{o.Name} lacks a 400 response"));
    }

    [Fact]
    public async Task Document_EveryRoute_DocumentsExactlyTheQueryParametersItDeclares()
    {
        // The keyed routes refuse every name they do not declare, so a parameter documented but not declared (one the
        // framework binds from the query itself) would be refused, and one declared but not documented unknown to clients.
        using var doc = System.Text.Json.JsonDocument.Parse(await GenerateAsync());
        var paths = doc.RootElement.GetProperty("paths");
        var problems = new List<string>();
        int documented = 0;
        foreach (var route in InProcessApp.Routes())
        {
            string path = "/" + route.RoutePattern.RawText!.TrimStart('/');
            string method = route.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods.Single().ToLowerInvariant();
            string[] declared = [.. DeclaredQuery.Of(route.Metadata).Select(p => p.Name)];
            if (!(paths.TryGetProperty(path, out var item) && item.TryGetProperty(method, out var operation)))
            {
                if (declared.Length > 0)
                {
                    problems.Add($"{method} {path} declares {string.Join(", ", declared)} but is not in the document");
                }

                continue;
            }

            documented++;
            string[] inDocument = operation.TryGetProperty("parameters", out var parameters)
                ? [.. parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()!)]
                : [];
            if (!inDocument.Order(StringComparer.Ordinal).SequenceEqual(declared.Order(StringComparer.Ordinal)))
            {
                problems.Add($"{method} {path}: declared [{string.Join(", ", declared)}], documented [{string.Join(", ", inDocument)}]");
            }
        }

        Assert.True(documented >= 25, $"only {documented} routes found in the document");
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public async Task Document_EveryOperationTakingABody_Declares408()
    {
        // UnhandledErrors answers 408 when a body arrives slower than the server reads (the webhook's included, keyless).
        using var doc = System.Text.Json.JsonDocument.Parse(await GenerateAsync());
        var posts = doc.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Where(op => op.Name is "post" or "put" or "patch").Select(op => (Name: $"{op.Name} {path.Name}", Operation: op.Value)))
            .ToList();

        Assert.Contains(posts, o => o.Name == "post /api/v1/usage");
        Assert.All(posts, o => Assert.True(o.Operation.GetProperty("responses").TryGetProperty("408", out _), $"{o.Name} lacks a 408 response"));
    }

    [Theory]
    [InlineData("/api/v1/usage")] // a month of hourly rows
    [InlineData("/api/v1/invoices/{id}")] // a PDF: a month of rollups, the covering anchor's rows and a getTransaction
    [InlineData("/api/v1/ledger/proof/{entryId}")] // the covering anchor's rows and a getTransaction on a paid RPC quota
    public async Task Document_ExpensiveReads_Declare429ForTooManyInFlightOfOnePartner(string route)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(await GenerateAsync());
        var get = doc.RootElement.GetProperty("paths").GetProperty(route).GetProperty("get");

        Assert.True(get.GetProperty("responses").TryGetProperty("429", out _), $"{route} lacks a 429 response: one partner can multiply it");
    }

    [Fact]
    public async Task Document_LedgerRoutes_RequireTheApiKeyAndAnswerProblems()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(await GenerateAsync());
        var root = doc.RootElement;
        Assert.StartsWith("3.1", root.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var scheme = root.GetProperty("components").GetProperty("securitySchemes").GetProperty(BillingOpenApi.ApiKeyScheme);
        Assert.Equal(("apiKey", "header", "X-Api-Key"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("in").GetString(), scheme.GetProperty("name").GetString()));
        var proof = root.GetProperty("paths").GetProperty("/api/v1/ledger/proof/{entryId}").GetProperty("get");
        Assert.True(proof.GetProperty("security")[0].TryGetProperty(BillingOpenApi.ApiKeyScheme, out _));
        foreach (string status in new[] { "200", "400", "401", "403", "404", "409" })
        {
            Assert.True(proof.GetProperty("responses").TryGetProperty(status, out _), $"proof route lacks a {status} response");
        }

        Assert.True(proof.GetProperty("responses").GetProperty("401").GetProperty("content").TryGetProperty("application/problem+json", out _));
        Assert.False(root.GetProperty("paths").TryGetProperty("/BurnExecutor", out _)); // host invocations are not the public API
        Assert.False(root.TryGetProperty("servers", out _));
    }
}

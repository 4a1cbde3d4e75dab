using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;

namespace Billing.Functions.Tests.Http;

/// <summary>
/// A method no route of a path maps, on every mapped path, straight to the handler (the host refuses it before in Azure,
/// the DevHost too; the handler's own routing answers when it is reached otherwise): before, the fallback answered 404
/// "no route", as if the path did not exist.
/// </summary>
[Collection(PlatformCollection.Name)]
public partial class AllowedMethodsTests(PlatformFixture platform)
{
    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

    /// <summary>Every mapped path with harmless route values, and the methods mapped for it.</summary>
    private static IReadOnlyList<(string Path, IReadOnlyList<string> Allowed)> MappedPaths() =>
    [
        .. InProcessApp.Routes()
            .GroupBy(e => RouteValue().Replace(e.RoutePattern.RawText!, m => "no-such-" + m.Groups[1].Value.ToLowerInvariant()), StringComparer.Ordinal)
            .Select(g => (g.Key, (IReadOnlyList<string>)[.. g.SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods).Distinct().Order(StringComparer.Ordinal)])),
    ];

    [GeneratedRegex(@"\{\*?([A-Za-z]+)[^}]*\}")]
    private static partial Regex RouteValue();

    [Fact]
    public async Task Fallback_OtherMethodOnEveryMappedPath_Returns405ProblemListingTheMethodsInAllow()
    {
        var paths = MappedPaths();
        Assert.True(paths.Count >= 30, $"{paths.Count} mapped paths found");
        var problems = new List<string>();
        foreach (var (path, allowed) in paths)
        {
            foreach (string method in Methods.Except(allowed))
            {
                // No key: the answer reveals only the route list, which openapi.json publishes anyway.
                using var response = await platform.Handler.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
                string text = await response.Content.ReadAsStringAsync();
                var allow = response.Content.Headers.Allow.Order(StringComparer.Ordinal);
                bool problem = method == "HEAD" || (response.Content.Headers.ContentType?.MediaType == "application/problem+json" && JsonNode.Parse(text)?["status"]?.GetValue<int>() == 405);
                if (response.StatusCode != HttpStatusCode.MethodNotAllowed || !problem || !allow.SequenceEqual(allowed))
                {
                    problems.Add($"{method} {path}: {(int)response.StatusCode} Allow: {string.Join(", ", allow)} {text}");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems)); // before: 404 "no route for GET …" on each
    }

    [Theory]
    [InlineData("GET", "/api/v1/no-such-route")]
    [InlineData("POST", "/api/v1/usage/extra")]
    [InlineData("DELETE", "/api/v2/usage")]
    [InlineData("GET", "/")]
    public async Task Fallback_UnknownPath_Returns404Problem(string method, string path)
    {
        using var response = await platform.Handler.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(response.Content.Headers.Allow);
    }

    [Fact]
    public async Task Fallback_MappedMethodWithoutKey_StillAnswers401()
    {
        using var response = await platform.Handler.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/invoices"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}

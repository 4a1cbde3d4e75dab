using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;

namespace Billing.Functions.Tests.Http;

/// <summary>
/// Query parameter names a route does not declare, on every keyed route, through the DevHost: before they were refused,
/// each route ignored them, so <c>?revokePrevios=true</c> rotated a key without revoking the leaked one and
/// <c>?perod=2026-10</c> listed every period.
/// </summary>
[Collection(PlatformCollection.Name)]
public partial class DeclaredQueryTests(PlatformFixture platform)
{
    private const string Unknown = "notAParameter";

    /// <summary>A keyed route as mapped: its method, its path with harmless route values, a key it admits and the names it declares.</summary>
    private sealed record KeyedRoute(string Method, string Path, string Key, IReadOnlyList<string> Declared)
    {
        public override string ToString() => $"{Method} {Path}";
    }

    private static IReadOnlyList<KeyedRoute> KeyedRoutes() =>
    [
        .. InProcessApp.Routes()
            .Where(e => e.Metadata.GetMetadata<EndpointAccess.AllowedRoles>() is not null)
            .Select(e => new KeyedRoute(
                e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Single(),
                // A month not ended (a close is refused), ids no row has: no route changes anything.
                RouteValue().Replace(e.RoutePattern.RawText!.TrimStart('/'), m => m.Groups[1].Value == "period" ? "2099-01" : "no-such-" + m.Groups[1].Value.ToLowerInvariant()),
                KeyOf(e.Metadata.GetMetadata<EndpointAccess.AllowedRoles>()!.Roles),
                [.. DeclaredQuery.Of(e.Metadata).Select(p => p.Name)])),
    ];

    private static string KeyOf(IReadOnlySet<PartnerRole> roles) =>
        roles.Contains(PartnerRole.Finance) ? PlatformFixture.FinanceKey
        : roles.Contains(PartnerRole.Carrier) ? PlatformFixture.CarrierKey
        : roles.Contains(PartnerRole.Tenant) ? PlatformFixture.TenantKey
        : PlatformFixture.ProviderKey;

    [GeneratedRegex(@"\{([A-Za-z]+)\}")]
    private static partial Regex RouteValue();

    private async Task<(HttpStatusCode Status, string Text, HttpResponseMessage Response)> SendAsync(string method, string path, string key)
    {
        // A body where the route takes one: a route taking JSON answers 415 without it, after the query check.
        var content = method is "GET" ? null : new StringContent("{}", Encoding.UTF8, "application/json");
        var response = await platform.Client.SendAsync(platform.Request(new HttpMethod(method), path, key, content));
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    private static JsonNode? ErrorOf(string text, string field) =>
        JsonNode.Parse(text)?["errors"]?.AsArray().SingleOrDefault(e => e!["field"]!.GetValue<string>() == field);

    [Fact]
    public async Task RequireRoles_UnknownQueryParameterOnEveryKeyedRoute_Returns400NamingItAndTheNamesTaken()
    {
        var routes = KeyedRoutes();
        Assert.True(routes.Count >= 25, $"{routes.Count} keyed routes found");
        var problems = new List<string>();
        foreach (var route in routes)
        {
            var (status, text, response) = await SendAsync(route.Method, $"{route.Path}?{Unknown}=true", route.Key);
            using (response)
            {
                var error = status == HttpStatusCode.BadRequest && response.Content.Headers.ContentType?.MediaType == "application/problem+json" ? ErrorOf(text, Unknown) : null;
                string? reason = error?["reason"]?.GetValue<string>();
                bool namesTaken = reason is not null && (route.Declared.Count == 0 ? reason.Contains("takes none", StringComparison.Ordinal) : route.Declared.All(n => reason.Contains(n, StringComparison.Ordinal)));
                if (!namesTaken || response.Headers.CacheControl?.NoStore != true)
                {
                    problems.Add($"{route}: {(int)status} {text}");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems)); // before: every route answered as if it were not there
    }

    [Fact]
    public async Task RequireRoles_DeclaredQueryParameterOnEveryKeyedRoute_IsNotRefusedAsUnknown()
    {
        var problems = new List<string>();
        foreach (var route in KeyedRoutes())
        {
            foreach (string name in route.Declared)
            {
                // Any value: the route may refuse it, naming why, but never as a parameter it does not take.
                var (status, text, response) = await SendAsync(route.Method, $"{route.Path}?{name}=x", route.Key);
                using (response)
                {
                    if (text.Contains("is not a query parameter", StringComparison.Ordinal))
                    {
                        problems.Add($"{route}?{name}: {(int)status} {text}");
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public async Task RequireRoles_PeriodMisspelt_Returns400NamingItAndTheNamesTheInvoiceListTakes()
    {
        var (status, text, response) = await SendAsync("GET", "api/v1/invoices?perod=2026-10", PlatformFixture.FinanceKey);
        response.Dispose();

        Assert.True(status == HttpStatusCode.BadRequest, $"{(int)status}: {text}"); // before: 200, every period's invoices
        Assert.Equal("is not a query parameter of this route, which takes period, payer, format", ErrorOf(text, "perod")?["reason"]?.GetValue<string>());
    }

    [Fact]
    public async Task RequireRoles_RevokePreviousMisspelt_Returns400AndRotatesNothing()
    {
        using (var created = await platform.CreatePartnerAsync("carrier-typo-revoke", "carrier", "carrier-standard-v1"))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var (status, text, response) = await SendAsync("POST", "api/v1/partners/carrier-typo-revoke/keys?revokePrevios=true", PlatformFixture.FinanceKey);
        response.Dispose();
        var (_, partner, read) = await SendAsync("GET", "api/v1/partners/carrier-typo-revoke", PlatformFixture.FinanceKey);
        read.Dispose();

        Assert.True(status == HttpStatusCode.BadRequest, $"{(int)status}: {text}"); // before: 201, a new key and the leaked one still valid
        Assert.Contains("revokePrevious", ErrorOf(text, "revokePrevios")?["reason"]?.GetValue<string>() ?? "", StringComparison.Ordinal);
        Assert.Single(JsonNode.Parse(partner)!["keys"]!.AsArray());
    }

    [Theory]
    [InlineData("api/v1/invoices?PERIOD=2026-13", "PERIOD", "must be yyyy-MM")] // read as period, so judged as one
    [InlineData("api/v1/invoices?Format=xml", "format", "must be one of json, csv")]
    [InlineData("api/v1/usage?payer=carrier-tmo&METER=no.such", "meter", "unknown meter")]
    public async Task RequireRoles_DeclaredNameInAnotherCase_IsTakenAsThatParameter(string path, string field, string reason)
    {
        var (status, text, response) = await SendAsync("GET", path, PlatformFixture.FinanceKey);
        response.Dispose();

        Assert.True(status == HttpStatusCode.BadRequest, $"{(int)status}: {text}");
        var error = JsonNode.Parse(text)!["errors"]!.AsArray().Single();
        Assert.Equal(field, error!["field"]!.GetValue<string>(), ignoreCase: true);
        Assert.Contains(reason, error["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_ParameterDeclaredRequired_RouteAnswers400NamingItWhenAbsent()
    {
        // openapi.json marks these required (clients generated from it send them); each route refuses a call without them.
        var routes = InProcessApp.Routes()
            .Where(e => e.Metadata.GetMetadata<EndpointAccess.AllowedRoles>() is not null)
            .SelectMany(e => DeclaredQuery.Of(e.Metadata).Where(p => p.Required).Select(p => (Route: KeyedRoutes().Single(r => r.Path == e.RoutePattern.RawText!.TrimStart('/') && r.Method == e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Single()), p.Name)))
            .ToList();

        Assert.Contains(routes, r => r.Route.Path == "api/v1/rollups/verify" && r.Name == "payer");
        Assert.Contains(routes, r => r.Route.Path == "api/v1/rollups/verify" && r.Name == "month");
        var valid = new Dictionary<string, string> { ["payer"] = "carrier-tmo", ["month"] = "2026-10" }; // for the others, each left out alone
        foreach (var (route, name) in routes)
        {
            string others = string.Join("&", routes.Where(r => r.Route.ToString() == route.ToString() && r.Name != name).Select(r => $"{r.Name}={valid[r.Name]}"));
            var (status, text, response) = await SendAsync(route.Method, $"{route.Path}?{others}", route.Key);
            response.Dispose();

            Assert.True(status == HttpStatusCode.BadRequest && ErrorOf(text, name) is not null, $"{route} without {name}: {(int)status}: {text}");
        }
    }

    [Theory]
    [InlineData("api/v1/invoices?PERIOD=2026-10&Payer=carrier-tmo&FORMAT=csv")]
    [InlineData("api/v1/invoices?period=2026-10&payer=carrier-tmo&format=json")]
    [InlineData("api/v1/usage?payer=carrier-tmo&meter=offload.bytes&window=day&from=2026-10-01&to=2026-10-02&groupBy=hotspot")]
    [InlineData("api/v1/quarantine?source=carrier-tmo&kind=invalid&from=2026-10-01&to=2026-11-01&replayed=false&limit=5")]
    [InlineData("api/v1/audit?from=2026-10-01&to=2026-11-01&limit=5")]
    [InlineData("api/v1/partners/carrier-tmo/audit?limit=5")]
    [InlineData("api/v1/ledger/entries?from=1&limit=5")]
    [InlineData("api/v1/ledger/balances?payer=carrier-tmo")]
    [InlineData("api/v1/burns?invoiceId=INV-carrier-tmo-209901")]
    [InlineData("api/v1/rollups/verify?payer=carrier-tmo&month=2026-10")]
    public async Task RequireRoles_DeclaredQueryParameters_StillAnswered(string path)
    {
        var (status, text, response) = await SendAsync("GET", path, PlatformFixture.FinanceKey);
        response.Dispose();

        Assert.True(status == HttpStatusCode.OK, $"{path}: {(int)status}: {text}");
    }

    [Theory]
    [InlineData("GET", "api/v1/invoices?perod=2026-10", "not-a-key", HttpStatusCode.Unauthorized)]
    [InlineData("POST", "api/v1/partners/carrier-tmo/keys?revokePrevios=true", null, HttpStatusCode.Unauthorized)]
    [InlineData("GET", "api/v1/partners?perod=2026-10", PlatformFixture.CarrierKey, HttpStatusCode.Forbidden)]
    public async Task RequireRoles_UnknownQueryParameterWithoutAnAdmittedKey_AnswersTheKeyCheckFirst(string method, string path, string? key, HttpStatusCode expected)
    {
        using var response = await platform.Client.SendAsync(platform.Request(new HttpMethod(method), path, key));

        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData("api/health?probe=1")]
    [InlineData("api/openapi.json?v=2")]
    [InlineData("api/console/?v=2")]
    public async Task KeylessRoutes_AnyQueryParameter_StillAnswered(string path)
    {
        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, path, null));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task StripeWebhook_QueryParametersOnItsUrl_EventStillHandled()
    {
        // Stripe posts to the URL the operator registered, whatever it holds; the signature, not the query, is checked.
        const string payload = """{"id":"evt_query_params_1","object":"event","type":"customer.created","data":{"object":{"id":"cus_query_params","object":"customer"}}}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/stripe/webhook?deployment=eu&notAParameter=1") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", StripeWebhookSigner.Sign(payload, "whsec_dev_local_only", DateTimeOffset.UtcNow));
        using var response = await platform.Client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("Event type is not handled.", JsonNode.Parse(text)!["ignored"]?.GetValue<string>());
    }
}

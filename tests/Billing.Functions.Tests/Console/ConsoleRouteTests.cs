using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Billing.Functions.Tests.WebConsole;

/// <summary>GET /api/console/… through the DevHost, as a browser gets it: the files, their headers, and nothing else.</summary>
[Collection(PlatformCollection.Name)]
public partial class ConsoleRouteTests(PlatformFixture platform)
{
    private static readonly string Site = Path.Combine(RepositoryRoot.Path, "functions", "Billing.Functions", "Console", "site");

    [GeneratedRegex(@"<script(?![^>]*\bsrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [Fact]
    public async Task Get_ConsoleFolder_ServesIndexWithAStrictPolicy()
    {
        using var response = await platform.Client.GetAsync("api/console/");
        string html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        string csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self';", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        Assert.Contains("<script type=\"module\" src=\"app.js\"></script>", html, StringComparison.Ordinal);
        Assert.DoesNotMatch(InlineScript(), html);
    }

    [Fact]
    public async Task Get_ConsoleWithoutTrailingSlash_RedirectsToTheFolder()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = platform.Client.BaseAddress };
        using var response = await client.GetAsync("api/console");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/api/console/", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("app.js", "text/javascript", "no-cache")]
    [InlineData("pages/usage.js", "text/javascript", "no-cache")]
    [InlineData("console.css", "text/css", "no-cache")]
    [InlineData("favicon.svg", "image/svg+xml", "no-cache")]
    [InlineData("vendor/chart.umd.min.js", "text/javascript", "public, max-age=3600")]
    public async Task Get_Asset_HasItsContentTypeAndCaching(string path, string type, string cache)
    {
        using var response = await platform.Client.GetAsync("api/console/" + path);
        byte[] body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(cache, response.Headers.CacheControl?.ToString());
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(Site, path)), body);
        Assert.NotNull(response.Headers.ETag);

        using var again = new HttpRequestMessage(HttpMethod.Get, "api/console/" + path);
        again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        using var notModified = await platform.Client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Theory]
    [InlineData("nope.js")]
    [InlineData("Index.html")] // exact names only
    [InlineData("pages")]
    [InlineData("..%2Fhost.json")]
    [InlineData("..%2F..%2Fhost.json")]
    [InlineData("%2E%2E%2Fhost.json")]
    [InlineData("..%5Chost.json")]
    [InlineData("%2Fetc%2Fpasswd")]
    [InlineData("function.json")]
    [InlineData("site/index.html")]
    public async Task Get_UnknownOrOutsidePath_Is404WithoutTheFile(string path)
    {
        foreach (var client in new[] { platform.Client, platform.Handler }) // through the host, and straight to the handler
        {
            using var response = await client.GetAsync("api/console/" + path);
            string body = await response.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.DoesNotContain("customHandler", body, StringComparison.Ordinal); // host.json's content
            Assert.DoesNotContain("root:", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Get_LiteralDotSegments_NeverLeaveTheConsole()
    {
        // HttpClient removes "../" before sending, so write the request line by hand, to the handler and to the host.
        foreach (var address in new[] { platform.Handler.BaseAddress!, platform.Client.BaseAddress! })
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(address.Host, address.Port);
            var stream = tcp.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /api/console/../../host.json HTTP/1.1\r\nHost: {address.Authority}\r\nConnection: close\r\n\r\n"));
            string answer = await new StreamReader(stream).ReadToEndAsync();

            Assert.StartsWith("HTTP/1.1 404", answer, StringComparison.Ordinal);
            Assert.DoesNotContain("customHandler", answer, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Get_Config_LinksTheLocalnetAsACustomCluster()
    {
        using var response = await platform.Client.GetAsync("api/console/config.json");
        var config = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("custom", config["cluster"]!.GetValue<string>());
        Assert.Equal("https://explorer.solana.com", config["explorer"]!.GetValue<string>());
        Assert.Equal(new Uri(platform.Localnet.Info.RpcUrl).GetLeftPart(UriPartial.Authority) + "/", config["customUrl"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_Config_ListsEveryBillableCurrencyWithItsExponent()
    {
        using var response = await platform.Client.GetAsync("api/console/config.json");
        var currencies = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["currencies"]!.AsObject();

        Assert.Equal(Currency.SupportedCodes.Order(StringComparer.Ordinal), currencies.Select(c => c.Key));
        Assert.All(Currency.SupportedCodes, code => Assert.Equal(Currency.FromCode(code).Exponent, currencies[code]!.GetValue<int>()));
    }

    [Theory]
    [InlineData(PlatformFixture.CarrierKey, "carrier-tmo", "Carrier", true, "carrier-standard-v1")]
    [InlineData(PlatformFixture.FinanceKey, "finance", "Finance", false, null)]
    public async Task GetMe_ValidKey_AnswersItsPartner(string key, string id, string role, bool payer, string? plan)
    {
        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, "api/v1/me", key));
        var me = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(id, me["id"]!.GetValue<string>());
        Assert.Equal(role, me["role"]!.GetValue<string>());
        Assert.Equal(payer, me["payer"]!.GetValue<bool>());
        Assert.Equal(plan, me["plan"]?.GetValue<string>());
    }

    [Fact]
    public async Task VendoredChartJs_IsTheFileOfTheNpmPackage()
    {
        // package.json pins chart.js; the console ships a copy of its built file. After an upgrade, copy
        // node_modules/chart.js/dist/chart.umd.min.js and its LICENSE.md into functions/Billing.Functions/Console/site/vendor/.
        string npm = Path.Combine(RepositoryRoot.Path, "node_modules", "chart.js", "dist", "chart.umd.min.js");
        Assert.True(File.Exists(npm), "run ./run test (it installs the npm packages)");
        Assert.Equal(await File.ReadAllBytesAsync(npm), await File.ReadAllBytesAsync(Path.Combine(Site, "vendor", "chart.umd.min.js")));
    }
}

namespace Billing.DevHost.Tests;

/// <summary>Route templates as function.json declares them, matched as the Functions host matches them.</summary>
public class RouteTemplateTests
{
    [Theory]
    [InlineData("v1/invoices/{id}", "v1/invoices/INV-a-202610", "id", "INV-a-202610")]
    [InlineData("v1/invoices/{id}", "V1/Invoices/x%20y", "id", "x y")]
    [InlineData("console/{*path}", "console/pages/usage.js", "path", "pages/usage.js")]
    [InlineData("console/{*path}", "console/index.html", "path", "index.html")]
    [InlineData("console/{*path}", "console/", "path", "")]
    [InlineData("console/{*path}", "console", "path", "")]
    public void Match_MatchingPath_ReturnsTheParameter(string template, string path, string name, string expected)
    {
        var values = RouteTemplate.Match(template, path);

        Assert.NotNull(values);
        Assert.Equal(expected, values[name]);
    }

    [Theory]
    [InlineData("v1/invoices/{id}", "v1/invoices")]
    [InlineData("v1/invoices/{id}", "v1/invoices/a/b")]
    [InlineData("health", "healthz")]
    [InlineData("console/{*path}", "consoles/index.html")]
    [InlineData("console/{*path}", "v1/console/index.html")]
    [InlineData("console/{*path}", "")]
    public void Match_OtherPath_ReturnsNull(string template, string path) =>
        Assert.Null(RouteTemplate.Match(template, path));
}

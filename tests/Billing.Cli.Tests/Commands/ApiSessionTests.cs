using Billing.Cli.Commands;
using Billing.Contracts.Partners;

namespace Billing.Cli.Tests.Commands;

/// <summary>What every command's connection to the API tells the operator besides the answer it prints.</summary>
public sealed class ApiSessionTests
{
    [Fact]
    public async Task Command_AnswerSaysThePayersRowIsMissing_WarnsOnStandardErrorOnceNamingThePayer()
    {
        await using var server = await StubServer.StartAsync(
            (_, _) => (200, "application/json", """{"invoices":[]}"""),
            new Dictionary<string, string> { [PayerQueryHeaders.RowMissing] = PayerQueryHeaders.RowMissingText });

        var result = await CliHarness.RunAsync("invoices", "list", "--payer", "carrier-gone\u202e", "--url", server.Url);

        // Before: "warning: the partner row of this payer is missing …", naming no payer. The id is spelled out, as every id the CLI prints.
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(result.Error.Split('\n'), line => line.StartsWith("warning: payer carrier-gone\\u202E: " + PayerQueryHeaders.RowMissingText, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetJsonAsync_TwoPayersWithoutRows_WarnsOncePerPayer()
    {
        await using var server = await StubServer.StartAsync(
            (_, _) => (200, "application/json", """{"invoices":[]}"""),
            new Dictionary<string, string> { [PayerQueryHeaders.RowMissing] = PayerQueryHeaders.RowMissingText });
        var error = new StringWriter();
        var context = new CliContext { Console = CliHarness.Console(TextWriter.Null, 80), Out = TextWriter.Null, Error = error };
        using var session = ApiSession.Open(new ApiEndpoint(server.Url, "k"), context);

        foreach (string payer in new[] { "carrier-a", "carrier-b", "carrier-a" })
        {
            await session.GetJsonAsync("/api/v1/invoices?payer=" + payer, CancellationToken.None);
        }

        // Before: one warning in all, naming no payer, so carrier-b went unmentioned.
        Assert.Equal(
            ["warning: payer carrier-a: " + PayerQueryHeaders.RowMissingText, "warning: payer carrier-b: " + PayerQueryHeaders.RowMissingText],
            error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task Command_AnswerWithoutTheHeader_NoWarning()
    {
        await using var server = await StubServer.StartAsync((_, _) => (200, "application/json", """{"invoices":[]}"""));

        var result = await CliHarness.RunAsync("invoices", "list", "--payer", "carrier-tmo", "--url", server.Url);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("warning", result.Error, StringComparison.Ordinal);
    }
}

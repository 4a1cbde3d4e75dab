using Billing.Contracts.Partners;

namespace Billing.Cli.Tests.Commands;

/// <summary>What every command's connection to the API tells the operator besides the answer it prints.</summary>
public sealed class ApiSessionTests
{
    [Fact]
    public async Task Command_AnswerSaysThePayersRowIsMissing_WarnsOnStandardErrorOnce()
    {
        await using var server = await StubServer.StartAsync(
            (_, _) => (200, "application/json", """{"invoices":[]}"""),
            new Dictionary<string, string> { [PayerQueryHeaders.RowMissing] = PayerQueryHeaders.RowMissingText });

        var result = await CliHarness.RunAsync("invoices", "list", "--payer", "carrier-gone", "--url", server.Url);

        // Before: the invoices were printed as for any payer, and nothing said the partner's row was gone from storage.
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(result.Error.Split('\n'), line => line.StartsWith("warning: " + PayerQueryHeaders.RowMissingText, StringComparison.Ordinal));
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

namespace Billing.Cli.Tests.Commands;

/// <summary><c>billing periods close</c> against a loopback stub with contract-shaped answers.</summary>
public sealed class PeriodsCommandsTests
{
    [Fact]
    public async Task PeriodsClose_RendersCreatedInvoices()
    {
        var (output, _) = await StubCommandTests.RunOkAsync("POST /api/v1/periods/2026-10/close", $$"""{"period":"2026-10","invoices":[{{StubCommandTests.Summary}}]}""", "periods", "close", "2026-10");

        StubCommandTests.AssertContainsAll(output, "INV-carrier-tmo-202610", "0.12 USD", "1 invoice(s)");
    }

    [Fact]
    public async Task PeriodsClose_BadPeriod_ExitsWithUsageErrorWithoutCallingTheApi()
    {
        await using var server = await StubServer.RoutesAsync(new Dictionary<string, (int, string)>());

        var result = await CliHarness.RunAsync("periods", "close", "2026-1", "--url", server.Url);

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task PeriodsClose_409_PrintsProblemAndExits1()
    {
        await using var server = await StubServer.RoutesAsync(new Dictionary<string, (int, string)>
        {
            ["POST /api/v1/periods/2026-11/close"] = (409, """{"title":"Period not ended","status":409,"detail":"2026-11 ends at 2026-12-01T00:00:00Z","errors":[{"field":"period","reason":"has not ended"}]}"""),
        });

        var result = await CliHarness.RunAsync("periods", "close", "2026-11", "--url", server.Url);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("HTTP 409 Period not ended", result.Error, StringComparison.Ordinal);
        Assert.Contains("period: has not ended", result.Error, StringComparison.Ordinal);
    }


    // The table showed the invoices made and nothing of the payers that failed: a close that left a payer unbilled looked done.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PeriodsClose_APayerFailed_NamesItAndWhyAndExits1(bool json)
    {
        await using var server = await StubServer.RoutesAsync(new Dictionary<string, (int, string)>
        {
            ["POST /api/v1/periods/2026-10/close"] = (200,
                $$"""{"period":"2026-10","invoices":[{{StubCommandTests.Summary}}],"failed":[{"payer":"tenant-lab","reason":"storage \u001b[2J unavailable"}]}"""),
        });
        string[] args = ["periods", "close", "2026-10", "--url", server.Url];

        var result = await CliHarness.RunAsync(json ? [.. args, "--json"] : args);

        Assert.Equal(1, result.ExitCode);
        StubCommandTests.AssertContainsAll(result.Out, json
            ? ["\"failed\"", "\"tenant-lab\""]
            : ["1 invoice(s)", "1 payer(s) failed; closing 2026-10 again retries them:", "tenant-lab: storage \\u001B[2J unavailable"]);
        Assert.DoesNotContain('\u001B', result.Out);
    }
}

namespace Billing.Cli.Tests.Commands;

/// <summary><c>billing rollups verify</c> rendering against a loopback stub with contract-shaped JSON.</summary>
public sealed class RollupsCommandsTests
{
    [Fact]
    public async Task RollupsVerify_RowsLeftUnsettled_PrintsThemAndExits0()
    {
        var (output, request) = await StubCommandTests.RunOkAsync("GET /api/v1/rollups/verify",
            """{"payer":"carrier-tmo","month":"2026-10","ok":true,"facts":20,"buckets":23,"differences":[],"unsettled":[{"shard":1,"rowKey":"r|m|202610"}]}""",
            "rollups", "verify", "--payer", "carrier-tmo", "--month", "2026-10");

        StubCommandTests.AssertContainsAll(output,
            "rollups verify carrier-tmo 2026-10: ok (20 facts, 23 buckets, 0 difference(s), 1 unsettled)",
            "  shard 1 r|m|202610: unsettled (metering rewrote it during every check");
        Assert.Equal("/api/v1/rollups/verify?payer=carrier-tmo&month=2026-10", request.PathAndQuery);
    }

    [Fact]
    public async Task RollupsVerify_AnswerWithoutUnsettled_PrintsTheSummaryAsBefore()
    {
        var (output, _) = await StubCommandTests.RunOkAsync("GET /api/v1/rollups/verify",
            """{"payer":"carrier-tmo","month":"2026-10","ok":true,"facts":20,"buckets":23,"differences":[]}""",
            "rollups", "verify", "--payer", "carrier-tmo", "--month", "2026-10");

        Assert.Contains("rollups verify carrier-tmo 2026-10: ok (20 facts, 23 buckets, 0 difference(s))\n", output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }
}

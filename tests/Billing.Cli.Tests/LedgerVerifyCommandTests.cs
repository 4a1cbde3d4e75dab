namespace Billing.Cli.Tests;

/// <summary><c>billing ledger verify</c> (through the platform) against a loopback stub with contract-shaped JSON.</summary>
public sealed class LedgerVerifyCommandTests
{
    [Fact]
    public async Task LedgerVerify_AnswerNamesTheStallWindow_PrintsItAsMaxSilenceMinutes()
    {
        var (output, _) = await StubCommandTests.RunOkAsync(
            "GET /api/v1/ledger/verify", """{"ok":true,"entries":12,"anchors":3,"pendingAnchors":0,"authority":"Auth1","ledger":"prod","maxChainSilenceSeconds":108600,"problems":[],"details":[]}""", "ledger", "verify");

        // Before: only the ok line; an operator of non-default settings could not tell what the chain verifier should use.
        StubCommandTests.AssertContainsAll(output,
            "ledger verify: ok (12 entries, 3 anchors)",
            "stall window: 108600 s; to verify against the chain yourself: billing ledger verify --rpc <url> --authority Auth1 --ledger prod --max-silence-minutes 1810");
    }

    [Fact]
    public async Task LedgerVerify_AnswerNamesRetiredAuthorities_HintChecksEachOfThem()
    {
        var (output, _) = await StubCommandTests.RunOkAsync(
            "GET /api/v1/ledger/verify", """{"ok":true,"entries":12,"anchors":3,"pendingAnchors":0,"authority":"Auth2","ledger":"prod","maxChainSilenceSeconds":60,"retiredAuthorities":["Auth0","Auth1"],"problems":[],"details":[]}""", "ledger", "verify");

        // Before: the hint named the new key only, which covers the book again from entry 1 and so passes a book rewritten
        // just before the change; the old keys' anchors are what catch that.
        Assert.Contains("billing ledger verify --rpc <url> --authority Auth2 --retired-authority Auth0 --retired-authority Auth1 --ledger prod --max-silence-minutes 1", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LedgerVerify_WindowNotWholeMinutes_RoundsUp()
    {
        var (output, _) = await StubCommandTests.RunOkAsync(
            "GET /api/v1/ledger/verify", """{"ok":true,"entries":0,"anchors":0,"ledger":"prod","maxChainSilenceSeconds":61,"problems":[]}""", "ledger", "verify");

        Assert.Contains("--max-silence-minutes 2", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LedgerVerify_PlatformWithoutTheWindow_PrintsNoWindow()
    {
        var (output, _) = await StubCommandTests.RunOkAsync("GET /api/v1/ledger/verify", """{"ok":true,"entries":12,"anchors":3,"problems":[]}""", "ledger", "verify");

        Assert.DoesNotContain("stall window", output, StringComparison.Ordinal);
    }
}

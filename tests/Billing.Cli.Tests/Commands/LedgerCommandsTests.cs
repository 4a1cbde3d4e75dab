namespace Billing.Cli.Tests.Commands;

/// <summary>
/// <c>billing ledger verify --retired-authority</c> given wrongly: a usage error (exit 2) naming what is wrong, before
/// anything is asked of the API or the chain (a stub answering both records every request).
/// </summary>
public sealed class LedgerCommandsTests
{
    private const string Authority = "11111111111111111111111111111111";
    private const string Other = "SysvarC1ock11111111111111111111111111111111";

    private static async Task<(CliHarness.Result Result, StubServer Server)> RunAsync(Func<string, string[]> args)
    {
        var server = await StubServer.StartAsync((r, _) => r.Method == "POST"
            ? (200, "application/json", """{"jsonrpc":"2.0","id":1,"result":[]}""")
            : (200, "application/json", """{"ok":true,"entries":0,"anchors":0,"problems":[]}"""));
        return (await CliHarness.RunAsync(["ledger", "verify", "--url", server.Url, .. args(server.Url)]), server);
    }

    public static TheoryData<string, string[], string> Misuses => new()
    {
        { "without --rpc", ["--retired-authority", Other], "--retired-authority needs --rpc" },
        { "not a key", ["--rpc", "{rpc}", "--authority", Authority, "--retired-authority", "not-a-key"], "--retired-authority 'not-a-key' is not a base58 public key" },
        { "a keypair", ["--rpc", "{rpc}", "--authority", Authority, "--retired-authority", new string('2', 88)], "--retired-authority (88 characters) is not a base58 public key" },
        { "the current key", ["--rpc", "{rpc}", "--authority", Authority, "--retired-authority", Authority], $"--retired-authority {Authority} is the --authority" },
        { "with --entry", ["--rpc", "{rpc}", "--authority", Authority, "--retired-authority", Other, "--entry", "payment:evt_1"], "--retired-authority checks the whole book, not one --entry" },
    };

    [Theory]
    [MemberData(nameof(Misuses))]
    public async Task LedgerVerify_RetiredAuthorityMisused_UsageErrorBeforeAnyRequest(string misuse, string[] args, string error)
    {
        var (result, server) = await RunAsync(url => [.. args.Select(a => a == "{rpc}" ? url : a)]);
        await using var _ = server;

        Assert.True(result.ExitCode == 2, misuse + ": " + result);
        Assert.Contains("error: " + error, result.Error, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task LedgerVerify_MoreThan16RetiredAuthorities_UsageError()
    {
        var keys = Enumerable.Range(1, 17).SelectMany(i => new[] { "--retired-authority", new Billing.Solana.Keys.PublicKey([.. Enumerable.Repeat((byte)i, 32)]).ToString() });
        var (result, server) = await RunAsync(url => ["--rpc", url, "--authority", Authority, .. keys]);
        await using var _ = server;

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("error: --retired-authority given 17 times, at most 16", result.Error, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }
}

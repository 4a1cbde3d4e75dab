namespace Billing.Solana.Tests.Rpc;

public sealed class SignatureStatusCheckerTests
{
    [Theory]
    [InlineData("null", SignatureOutcome.NotFound)]
    [InlineData("""{"slot":5,"confirmations":null,"err":null,"confirmationStatus":"finalized"}""", SignatureOutcome.Landed)]
    [InlineData("""{"slot":5,"confirmations":null,"err":{"InstructionError":[0,{"Custom":1}]},"confirmationStatus":"finalized"}""", SignatureOutcome.Failed)]
    public async Task CheckAsync_Status_MapsOutcome(string status, SignatureOutcome expected)
    {
        await using var server = new LoopbackRpcServer((_, _, _) => LoopbackResponse.Result($$"""{"context":{"slot":9},"value":[{{status}}]}"""));
        using var http = new HttpClient();
        var checker = new SignatureStatusChecker(new SolanaRpcClient(http, new SolanaRpcOptions { RpcUrl = server.Url }));

        var check = await checker.CheckAsync("sig", TestTimeouts.Token());

        Assert.Equal(expected, check.Outcome);
    }

    [Fact]
    public async Task WaitAsync_NeverLandsAndBlockhashExpires_ReturnsNotFound()
    {
        await using var server = new LoopbackRpcServer((method, _, call) => method switch
        {
            "getSignatureStatuses" => LoopbackResponse.Result("""{"context":{"slot":9},"value":[null]}"""),
            "getBlockHeight" => LoopbackResponse.Result(call < 2 ? "100" : "151"),
            _ => LoopbackResponse.Error(-32601, "Method not found"),
        });
        using var http = new HttpClient();
        var checker = new SignatureStatusChecker(new SolanaRpcClient(http, new SolanaRpcOptions { RpcUrl = server.Url }));

        var check = await checker.WaitAsync("sig", lastValidBlockHeight: 150, Commitment.Confirmed, TimeSpan.FromMilliseconds(10), TestTimeouts.Token());

        Assert.Equal(SignatureOutcome.NotFound, check.Outcome);
        Assert.Equal(3, server.Count("getBlockHeight"));
    }
}

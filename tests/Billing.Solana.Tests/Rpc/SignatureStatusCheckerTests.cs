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
            "getSignatureStatuses" => LoopbackResponse.Result("""{"context":{"slot":200},"value":[null]}"""),
            "getEpochInfo" => LoopbackResponse.Result(call < 2 ? """{"absoluteSlot":100,"blockHeight":100}""" : """{"absoluteSlot":160,"blockHeight":151}"""),
            "getFirstAvailableBlock" => LoopbackResponse.Result("0"),
            _ => LoopbackResponse.Error(-32601, "Method not found"),
        });
        using var http = new HttpClient();
        var checker = new SignatureStatusChecker(new SolanaRpcClient(http, new SolanaRpcOptions { RpcUrl = server.Url }));

        var check = await checker.WaitAsync("sig", lastValidBlockHeight: 150, Commitment.Confirmed, TimeSpan.FromMilliseconds(10), TestTimeouts.Token());

        Assert.Equal(SignatureOutcome.NotFound, check.Outcome);
        Assert.Equal(3, server.Count("getEpochInfo"));
    }

    [Theory]
    [InlineData(159, false)] // the node asked for the status had not seen the slot where the height was past: it may lag
    [InlineData(160, true)]
    [InlineData(0, false)]   // no context at all: nothing says how far it had seen
    public async Task CanNeverLandAsync_HeightPastAndNoStatus_OnlyFromANodeThatHasSeenThatSlot(ulong statusContextSlot, bool expected)
    {
        string statuses = statusContextSlot == 0
            ? """{"value":[null]}"""
            : $$"""{"context":{"slot":{{statusContextSlot}}},"value":[null]}""";
        await using var server = new LoopbackRpcServer((method, _, _) => method switch
        {
            "getSignatureStatuses" => LoopbackResponse.Result(statuses),
            "getEpochInfo" => LoopbackResponse.Result("""{"absoluteSlot":160,"blockHeight":151}"""),
            "getFirstAvailableBlock" => LoopbackResponse.Result("0"),
            _ => LoopbackResponse.Error(-32601, "Method not found"),
        });
        using var http = new HttpClient();
        var checker = new SignatureStatusChecker(new SolanaRpcClient(http, new SolanaRpcOptions { RpcUrl = server.Url }));

        // Before: getBlockHeight past lastValidBlockHeight and a null status from any node proved it (a lagging one too).
        Assert.Equal(expected, await checker.CanNeverLandAsync("sig", lastValidBlockHeight: 150, TestTimeouts.Token()));
    }

    [Fact]
    public async Task CanNeverLandAsync_ConfirmedHeightPastButFinalizedNot_False()
    {
        // A confirmed block past the height may be on a fork the status node is not on, while a block holding the burn is
        // confirmed on the other fork and finalized later: only a finalized height past it proves nothing can land.
        await using var server = new LoopbackRpcServer((method, parameters, _) => method switch
        {
            "getSignatureStatuses" => LoopbackResponse.Result("""{"context":{"slot":200},"value":[null]}"""),
            "getEpochInfo" when parameters[0].GetProperty("commitment").GetString() == "finalized" => LoopbackResponse.Result("""{"absoluteSlot":140,"blockHeight":140}"""),
            "getEpochInfo" => LoopbackResponse.Result("""{"absoluteSlot":160,"blockHeight":151}"""),
            _ => LoopbackResponse.Error(-32601, "Method not found"),
        });
        using var http = new HttpClient();
        var checker = new SignatureStatusChecker(new SolanaRpcClient(http, new SolanaRpcOptions { RpcUrl = server.Url }));

        Assert.False(await checker.CanNeverLandAsync("sig", lastValidBlockHeight: 150, TestTimeouts.Token()));
    }

    [Fact]
    public async Task CheckExpiryAsync_StatusNodeBehindTheHeightsNode_NotProvenAndSaysWhy()
    {
        await using var server = new LoopbackRpcServer((method, _, _) => method switch
        {
            "getSignatureStatuses" => LoopbackResponse.Result("""{"context":{"slot":159},"value":[null]}"""),
            "getEpochInfo" => LoopbackResponse.Result("""{"absoluteSlot":160,"blockHeight":151}"""),
            _ => LoopbackResponse.Error(-32601, "Method not found"),
        });
        using var http = new HttpClient();
        var checker = new SignatureStatusChecker(new SolanaRpcClient(http, new SolanaRpcOptions { RpcUrl = server.Url }));

        var expiry = await checker.CheckExpiryAsync("sig", lastValidBlockHeight: 150, marker: null, TestTimeouts.Token());

        Assert.False(expiry.CanNeverLand);
        Assert.Equal("expiry not provable yet: the finalized block height 151 is past 150, but the node that answered the status had seen slot 159, not 160", expiry.Unprovable);
    }

    [Theory]
    [InlineData("8376", null, true)]     // blocks from 10,000 - 600 - 1,024 kept: nothing to ask about heights
    [InlineData("11000", "8376", true)]  // slots run ahead of heights: its first block is at height 8,376, old enough
    [InlineData("11000", "9000", false)] // pruning near the burn's blocks: a purge under way hides statuses above its first block
    [InlineData("11000", "9401", false)] // a node pruned past where the burn could have landed: its "no status" says nothing
    [InlineData("11000", "null", false)] // no block at its own first slot
    public async Task CheckExpiryAsync_NodesHistory_ProvenOnlyWhenItKeepsEveryBlockTheTransactionCouldBeIn(string firstSlot, string? firstHeight, bool expected)
    {
        await using var server = new LoopbackRpcServer((method, parameters, _) => method switch
        {
            "getSignatureStatuses" => LoopbackResponse.Result("""{"context":{"slot":12000},"value":[null]}"""),
            "getEpochInfo" => LoopbackResponse.Result("""{"absoluteSlot":12000,"blockHeight":10001}"""),
            "getFirstAvailableBlock" => LoopbackResponse.Result(firstSlot),
            "getBlock" when parameters[0].GetUInt64() == 11000 && parameters[1].GetProperty("transactionDetails").GetString() == "none" =>
                LoopbackResponse.Result(firstHeight == "null" ? "null" : $$"""{"blockHeight":{{firstHeight}},"parentSlot":10999}"""),
            _ => LoopbackResponse.Error(-32601, "Method not found"),
        });
        using var http = new HttpClient();
        var checker = new SignatureStatusChecker(new SolanaRpcClient(http, new SolanaRpcOptions { RpcUrl = server.Url }));

        var expiry = await checker.CheckExpiryAsync("sig", lastValidBlockHeight: 10_000, marker: null, TestTimeouts.Token());

        // Before: proven whatever history the node kept, so a burn that landed before it was signed again.
        Assert.Equal(expected, expiry.CanNeverLand);
        Assert.Equal(firstHeight is null ? 0 : 1, server.Count("getBlock"));
        if (!expected)
        {
            Assert.Equal($"expiry not provable: the RPC node's history starts at slot 11000 (block height {(firstHeight == "null" ? "unknown" : firstHeight)}), after block height 8376 (the blocks the transaction could have landed in, and a purge's margin below them); a node that keeps history back to there can prove it", expiry.Unprovable);
        }
    }

    [Theory]
    [InlineData(12000, "null", true, null)] // absent from the finalized state at the slot past its height: proven, however short the history
    [InlineData(12000, """{"lamports":5000000,"owner":"11111111111111111111111111111111","data":["","base64"],"executable":false,"rentEpoch":0}""", true, null)] // funded by anyone, never allocated
    [InlineData(12000, """{"lamports":897840,"owner":"11111111111111111111111111111111","data":["AA==","base64"],"executable":false,"rentEpoch":0}""", false,
        "a transaction of this burn landed: its marker 11111111111111111111111111111112 is set on chain, but the RPC node has no status for sig")]
    [InlineData(11999, "null", false, "expiry not provable yet: the node asked for the marker 11111111111111111111111111111112 answered from slot 11999, not 12000 or later")] // a proxy dropping minContextSlot
    [InlineData(-32016, "null", false, "expiry not provable yet: the node asked for the marker 11111111111111111111111111111112 answered from slot 0")]
    public async Task CheckExpiryAsync_Marker_ProvenByItBeingUnsetAtTheFinalizedSlotWithoutAskingForHistory(long contextSlot, string account, bool expected, string? reason)
    {
        await using var server = new LoopbackRpcServer((method, parameters, _) => method switch
        {
            "getSignatureStatuses" => LoopbackResponse.Result("""{"context":{"slot":12000},"value":[null]}"""),
            "getEpochInfo" => LoopbackResponse.Result("""{"absoluteSlot":12000,"blockHeight":10001}"""),
            "getAccountInfo" when parameters[1].GetProperty("commitment").GetString() != "finalized" || parameters[1].GetProperty("minContextSlot").GetUInt64() != 12000 =>
                LoopbackResponse.Error(-32602, "asked at another commitment or slot"),
            "getAccountInfo" when contextSlot < 0 => LoopbackResponse.Error(-32016, "Minimum context slot has not been reached"),
            "getAccountInfo" => LoopbackResponse.Result($$"""{"context":{"slot":{{contextSlot}}},"value":{{account}}}"""),
            _ => LoopbackResponse.Error(-32601, "Method not found"), // no history asked for: this node would say it keeps none
        });
        using var http = new HttpClient();
        var checker = new SignatureStatusChecker(new SolanaRpcClient(http, new SolanaRpcOptions { RpcUrl = server.Url }));
        var marker = new PublicKey("11111111111111111111111111111112");

        var expiry = await checker.CheckExpiryAsync("sig", lastValidBlockHeight: 10_000, marker, TestTimeouts.Token());

        Assert.Equal((expected, reason is null), (expiry.CanNeverLand, expiry.Unprovable is null));
        Assert.StartsWith(reason ?? "", expiry.Unprovable ?? "", StringComparison.Ordinal);
        Assert.Equal(0, server.Count("getFirstAvailableBlock"));
    }

    [Theory]
    [InlineData("getFirstAvailableBlock")]
    [InlineData("getBlock")] // e.g. -32011, a node that keeps no transaction history
    public async Task CheckExpiryAsync_NodeRefusesToSayHowFarItsHistoryGoes_NotProven(string refused)
    {
        await using var server = new LoopbackRpcServer((method, _, _) => method switch
        {
            _ when method == refused => LoopbackResponse.Error(-32011, "Transaction history is not available from this node"),
            "getSignatureStatuses" => LoopbackResponse.Result("""{"context":{"slot":12000},"value":[null]}"""),
            "getEpochInfo" => LoopbackResponse.Result("""{"absoluteSlot":12000,"blockHeight":10001}"""),
            "getFirstAvailableBlock" => LoopbackResponse.Result("11000"),
            _ => LoopbackResponse.Error(-32601, "Method not found"),
        });
        using var http = new HttpClient();
        var checker = new SignatureStatusChecker(new SolanaRpcClient(http, new SolanaRpcOptions { RpcUrl = server.Url }));

        var expiry = await checker.CheckExpiryAsync("sig", lastValidBlockHeight: 10_000, marker: null, TestTimeouts.Token());

        Assert.False(expiry.CanNeverLand);
        Assert.StartsWith("expiry not provable: the RPC node did not say how far its history goes back (" + refused, expiry.Unprovable, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(150UL, "which the chain has passed (block height 150): a node behind the cluster answered it")] // expired already
    [InlineData(151UL, null)]
    [InlineData(450UL, null)] // 300 blocks ahead: twice a blockhash's 150, for nodes lagging each other
    [InlineData(451UL, "which the chain will not reach soon (block height 150)")]
    [InlineData(ulong.MaxValue, "which the chain will not reach soon (block height 150)")]
    public async Task CheckBlockhashAsync_LastValidHeightAgainstTheBlockHeightNow_UsableOnlyAheadAndWithin300Blocks(ulong lastValidBlockHeight, string? expected)
    {
        await using var server = new LoopbackRpcServer((_, _, _) => LoopbackResponse.Result("""{"absoluteSlot":170,"blockHeight":150}"""));
        using var http = new HttpClient();
        var checker = new SignatureStatusChecker(new SolanaRpcClient(http, new SolanaRpcOptions { RpcUrl = server.Url }));

        var unusable = await checker.CheckBlockhashAsync(lastValidBlockHeight, TestTimeouts.Token());

        Assert.Equal(expected is null ? null : $"the RPC node's blockhash is valid to block height {lastValidBlockHeight}, " + expected, unusable);
    }
}

namespace Billing.Solana.Tests.Rpc;

public sealed class SolanaRpcClientTests : IDisposable
{
    private const string Blockhash = "EETubP5AKHgjPAhzPAFcb8BAY1hMH639CWCFTqi3hq1k";

    /// <summary>The client's HTTP connection to the test's loopback server (xunit makes a new instance for every test).</summary>
    private readonly HttpClient http = new();

    public void Dispose() => http.Dispose();

    private static SolanaRpcOptions FastOptions(Uri url) => new()
    {
        RpcUrl = url,
        AttemptTimeout = TimeSpan.FromMilliseconds(400),
        MaxRetryAttempts = 3,
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryDelay = TimeSpan.FromMilliseconds(50),
        UseJitter = false,
    };

    /// <summary>Short delays, but an attempt timeout long enough that a cold first request on a loaded machine is not
    /// retried as a timeout (which would change the request counts these tests assert).</summary>
    private SolanaRpcClient ClientFor(LoopbackRpcServer server)
    {
        var options = FastOptions(server.Url);
        options.AttemptTimeout = TimeSpan.FromSeconds(10);
        return new(http, options);
    }

    /// <summary>The 400 ms attempt timeout, for the test about timeouts.</summary>
    private SolanaRpcClient FastTimeoutClientFor(LoopbackRpcServer server) => new(http, FastOptions(server.Url));

    [Fact]
    public async Task GetLatestBlockhashAsync_ValidResponse_ParsesBlockhashAndHeight()
    {
        await using var server = new LoopbackRpcServer((_, _, _) => LoopbackResponse.Result(
            $$$"""{"context":{"slot":77,"apiVersion":"2.2.0"},"value":{"blockhash":"{{{Blockhash}}}","lastValidBlockHeight":18446744073709551000}}"""));

        var result = await ClientFor(server).GetLatestBlockhashAsync(Commitment.Finalized, TestTimeouts.Token());

        Assert.Equal(new LatestBlockhash(Blockhash, 18446744073709551000UL, 77), result);
        using var request = JsonDocument.Parse(server.Bodies.Single());
        Assert.Equal("2.0", request.RootElement.GetProperty("jsonrpc").GetString());
        Assert.Equal("finalized", request.RootElement.GetProperty("params")[0].GetProperty("commitment").GetString());
    }

    [Theory]
    [InlineData(503)]
    [InlineData(500)]
    [InlineData(429)]
    public async Task GetEpochInfoAsync_TransientHttpStatusThenOk_RetriesAndSucceeds(int status)
    {
        await using var server = new LoopbackRpcServer((_, _, call) =>
            call < 2 ? new LoopbackResponse(status, "busy") : LoopbackResponse.Result("""{"absoluteSlot":1300,"blockHeight":1234}"""));

        var height = (await ClientFor(server).GetEpochInfoAsync(null, TestTimeouts.Token())).BlockHeight;

        Assert.Equal(1234UL, height);
        Assert.Equal(3, server.Count("getEpochInfo"));
    }

    [Fact]
    public async Task GetSlotAsync_FirstAttemptHangs_TimesOutAndRetries()
    {
        await using var server = new LoopbackRpcServer((_, _, call) =>
            call == 0 ? LoopbackResponse.Result("1") with { Delay = TimeSpan.FromSeconds(3) } : LoopbackResponse.Result("99"));

        var slot = await FastTimeoutClientFor(server).GetSlotAsync(null, TestTimeouts.Token());

        Assert.Equal(99UL, slot);
        Assert.Equal(2, server.Count("getSlot"));
    }

    [Fact]
    public async Task GetSlotAsync_AlwaysUnavailable_ThrowsTransportExceptionAfterAllRetries()
    {
        await using var server = new LoopbackRpcServer((_, _, _) => new LoopbackResponse(502, "bad gateway"));

        var ex = await Assert.ThrowsAsync<SolanaRpcTransportException>(() => ClientFor(server).GetSlotAsync(null, TestTimeouts.Token()));

        Assert.Equal(HttpStatusCode.BadGateway, ex.StatusCode);
        Assert.Equal(4, server.Count("getSlot"));
    }

    [Fact]
    public async Task SendTransactionAsync_PreflightFailure_ThrowsDecodedErrorWithoutRetry()
    {
        const string data = """{"err":{"InstructionError":[1,{"Custom":18}]},"logs":["Program TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA invoke [1]","Program log: Error: Mint decimals mismatch"],"accounts":null,"unitsConsumed":1234,"returnData":null}""";
        await using var server = new LoopbackRpcServer((_, _, _) =>
            LoopbackResponse.Error(-32002, "Transaction simulation failed: Error processing Instruction 1: custom program error: 0x12", data));

        var ex = await Assert.ThrowsAsync<SolanaRpcException>(() =>
            ClientFor(server).SendTransactionAsync(new byte[] { 1, 2, 3 }, new SendTransactionOptions(MaxRetries: 0), TestTimeouts.Token()));

        Assert.Equal(1, server.Count("sendTransaction"));
        Assert.True(ex.IsPreflightFailure);
        Assert.Equal(TransactionErrorKind.InstructionError, ex.TransactionError!.Kind);
        Assert.Equal(1, ex.TransactionError.InstructionIndex);
        Assert.Equal((uint)TokenProgramError.MintDecimalsMismatch, ex.TransactionError.InstructionError!.CustomCode);
        Assert.Contains("Program log: Error: Mint decimals mismatch", ex.Logs);
        Assert.Equal(1234UL, ex.UnitsConsumed);
    }

    [Fact]
    public async Task SendTransactionAsync_Request_UsesBase64AndPreflightOptions()
    {
        await using var server = new LoopbackRpcServer((_, _, _) => LoopbackResponse.Result("\"sig\""));

        var signature = await ClientFor(server).SendTransactionAsync(
            new byte[] { 1, 2, 3 }, new SendTransactionOptions(SkipPreflight: true, PreflightCommitment: Commitment.Processed, MaxRetries: 5), TestTimeouts.Token());

        Assert.Equal("sig", signature);
        using var request = JsonDocument.Parse(server.Bodies.Single());
        var parameters = request.RootElement.GetProperty("params");
        Assert.Equal("AQID", parameters[0].GetString());
        Assert.Equal("base64", parameters[1].GetProperty("encoding").GetString());
        Assert.True(parameters[1].GetProperty("skipPreflight").GetBoolean());
        Assert.Equal("processed", parameters[1].GetProperty("preflightCommitment").GetString());
        Assert.Equal(5, parameters[1].GetProperty("maxRetries").GetInt32());
    }

    [Fact]
    public async Task GetSlotAsync_JsonRpcError_IsNotRetried()
    {
        await using var server = new LoopbackRpcServer((_, _, _) => LoopbackResponse.Error(-32005, "Node is unhealthy"));

        var ex = await Assert.ThrowsAsync<SolanaRpcException>(() => ClientFor(server).GetSlotAsync(null, TestTimeouts.Token()));

        Assert.Equal(-32005, ex.Code);
        Assert.Equal(1, server.Count("getSlot"));
    }

    [Theory]
    [InlineData("""{"code":-32005,"message":{"text":"Node is unhealthy"}}""", -32005)]
    [InlineData("""{"code":"-32005","message":42}""", 0)]
    public async Task GetSlotAsync_JsonRpcErrorWithNonTextMessageOrCode_ThrowsTheRpcErrorNotAnInvalidOperation(string error, long code)
    {
        // Before: message.GetString() (and TryGetInt64 on a code that is no number) threw InvalidOperationException outside the
        // wrapped parse step, which the burn executor takes for a deterministic failure and fails the burn for good.
        await using var server = new LoopbackRpcServer((_, _, _) => new LoopbackResponse(200, $$"""{"jsonrpc":"2.0","id":1,"error":{{error}}}"""));

        var ex = await Assert.ThrowsAsync<SolanaRpcException>(() => ClientFor(server).GetSlotAsync(null, TestTimeouts.Token()));

        Assert.Equal(code, ex.Code);
    }

    [Fact]
    public async Task GetHealthAsync_Unhealthy_ReturnsFalse()
    {
        await using var server = new LoopbackRpcServer((_, _, call) =>
            call == 0 ? LoopbackResponse.Result("\"ok\"") : LoopbackResponse.Error(-32005, "Node is behind by 42 slots"));
        var client = ClientFor(server);

        Assert.True(await client.GetHealthAsync(TestTimeouts.Token()));
        Assert.False(await client.GetHealthAsync(TestTimeouts.Token()));
    }

    [Fact]
    public async Task GetSlotAsync_ConnectionFailureThenOk_Retries()
    {
        // A handler is the only way to inject a socket-level failure deterministically.
        using var flaky = new HttpClient(new FlakyHandler(failures: 2, Responder));
        var client = new SolanaRpcClient(flaky, FastOptions(new Uri("http://127.0.0.1:1/")));

        Assert.Equal(5UL, await client.GetSlotAsync(null, TestTimeouts.Token()));

        static HttpResponseMessage Responder() => new(HttpStatusCode.OK) { Content = new StringContent("""{"jsonrpc":"2.0","id":1,"result":5}""") };
    }

    [Fact]
    public async Task GetSlotAsync_CallerCancels_ThrowsOperationCanceledWithoutRetry()
    {
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new LoopbackRpcServer((_, _, _) =>
        {
            received.TrySetResult();
            return LoopbackResponse.Result("1") with { Delay = TimeSpan.FromSeconds(5) };
        });
        using var cts = new CancellationTokenSource();

        var call = ClientFor(server).GetSlotAsync(null, cts.Token);
        await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await Task.Delay(100);
        Assert.Equal(1, server.Count("getSlot"));
    }

    [Fact]
    public async Task GetTransactionAsync_FullMeta_ParsesBalancesLogsAndError()
    {
        const string result = """
            {"slot":42,"blockTime":1700000000,"version":"legacy",
             "transaction":{"signatures":["sig1"],"message":{"accountKeys":["a","b"],"recentBlockhash":"EETubP5AKHgjPAhzPAFcb8BAY1hMH639CWCFTqi3hq1k","header":{"numRequiredSignatures":1,"numReadonlySignedAccounts":0,"numReadonlyUnsignedAccounts":1},"instructions":[]}},
             "meta":{"err":{"InstructionError":[0,"InvalidAccountData"]},"status":{"Err":{"InstructionError":[0,"InvalidAccountData"]}},"fee":5000,
               "preBalances":[10000,1],"postBalances":[5000,1],"logMessages":["Program log: Memo (len 4): \"test\""],
               "preTokenBalances":[{"accountIndex":1,"mint":"m","owner":"o","programId":"p","uiTokenAmount":{"amount":"18446744073709551615","decimals":8,"uiAmount":1.8446744073709552E11,"uiAmountString":"184467440737.09551615"}}],
               "postTokenBalances":[],"computeUnitsConsumed":300,"innerInstructions":[],"rewards":[],"loadedAddresses":{"writable":[],"readonly":[]}}}
            """;
        await using var server = new LoopbackRpcServer((_, _, _) => LoopbackResponse.Result(result));

        var tx = await ClientFor(server).GetTransactionAsync("sig1", null, TestTimeouts.Token());

        Assert.NotNull(tx);
        Assert.Equal(42UL, tx.Slot);
        Assert.Equal(1700000000L, tx.BlockTime);
        Assert.Equal("InvalidAccountData", tx.Meta!.Error!.InstructionError!.Name);
        Assert.Equal(5000UL, tx.Meta.Fee);
        Assert.Equal([10000UL, 1UL], tx.Meta.PreBalances);
        Assert.Equal(ulong.MaxValue, tx.Meta.PreTokenBalances.Single().UiTokenAmount.Amount);
        Assert.Equal("184467440737.09551615", tx.Meta.PreTokenBalances.Single().UiTokenAmount.ToDecimalString());
        Assert.Single(tx.Meta.LogMessages);
        Assert.Equal(300UL, tx.Meta.ComputeUnitsConsumed);
    }

    [Fact]
    public async Task GetTransactionAsync_Unknown_ReturnsNull()
    {
        await using var server = new LoopbackRpcServer((_, _, _) => LoopbackResponse.Result("null"));
        Assert.Null(await ClientFor(server).GetTransactionAsync("nope", null, TestTimeouts.Token()));
    }

    [Fact]
    public async Task GetAccountInfoAsync_Base64Data_Decodes()
    {
        await using var server = new LoopbackRpcServer((_, _, _) => LoopbackResponse.Result(
            """{"context":{"slot":1},"value":{"lamports":1461600,"owner":"TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA","data":["AQID","base64"],"executable":false,"rentEpoch":18446744073709551615,"space":3}}"""));

        var info = await ClientFor(server).GetAccountInfoAsync(new PublicKey(new byte[32]), null, TestTimeouts.Token());

        Assert.Equal([1, 2, 3], info!.Data);
        Assert.Equal(1461600UL, info.Lamports);
        Assert.Equal(ulong.MaxValue, info.RentEpoch);
    }

    [Fact]
    public async Task GetTokenSupplyAsync_AmountString_ParsedAsInteger()
    {
        await using var server = new LoopbackRpcServer((_, _, _) => LoopbackResponse.Result(
            """{"context":{"slot":1},"value":{"amount":"100000000000000000","decimals":8,"uiAmount":1000000000.0,"uiAmountString":"1000000000"}}"""));

        var supply = await ClientFor(server).GetTokenSupplyAsync(new PublicKey(new byte[32]), null, TestTimeouts.Token());

        Assert.Equal(new TokenAmount(100_000_000_000_000_000UL, 8), supply);
    }

    [Fact]
    public async Task GetSignatureStatusesAsync_MixedStatuses_ParsesNullsAndErrors()
    {
        await using var server = new LoopbackRpcServer((_, _, _) => LoopbackResponse.Result(
            """{"context":{"slot":9},"value":[null,{"slot":5,"confirmations":null,"err":null,"status":{"Ok":null},"confirmationStatus":"finalized"},{"slot":6,"confirmations":2,"err":{"InstructionError":[0,{"Custom":1}]},"status":{"Err":{}},"confirmationStatus":"confirmed"}]}"""));

        var answer = await ClientFor(server).GetSignatureStatusesAsync(["a", "b", "c"], true, TestTimeouts.Token());
        var statuses = answer.Value;

        Assert.Null(statuses[0]);
        Assert.True(statuses[1]!.Succeeded);
        Assert.True(statuses[1]!.HasReached(Commitment.Finalized));
        Assert.Equal(1u, statuses[2]!.Error!.InstructionError!.CustomCode);
        Assert.False(statuses[2]!.HasReached(Commitment.Finalized));
        Assert.Equal(9UL, answer.ContextSlot);
        using var request = JsonDocument.Parse(server.Bodies.Single());
        Assert.True(request.RootElement.GetProperty("params")[1].GetProperty("searchTransactionHistory").GetBoolean());
    }

    [Theory]
    [InlineData("""{"context":{"slot":9},"value":[]}""")]                                   // the one asked for left out
    [InlineData("""{"context":{"slot":9},"value":[null,null]}""")]                          // more than asked for
    [InlineData("""{"context":{"slot":9},"value":[{"slot":"5","err":null}]}""")]           // a slot that is text
    [InlineData("""{"context":{"slot":9},"value":[{"slot":-5,"err":null}]}""")]            // a slot no u64 holds
    [InlineData("""{"context":{"slot":9},"value":[{"slot":18446744073709551616,"err":null}]}""")]
    [InlineData("""{"context":{"slot":9},"value":{"slot":5}}""")]                           // no list at all
    public async Task GetSignatureStatusesAsync_AnswerNotOneStatusPerSignature_ThrowsNotTransient(string result)
    {
        await using var server = new LoopbackRpcServer((_, _, _) => LoopbackResponse.Result(result));

        // Before: an empty list was returned, which a caller reads as "unknown to the node" (never landed, once expired).
        var ex = await Assert.ThrowsAsync<SolanaRpcTransportException>(() => ClientFor(server).GetSignatureStatusesAsync(["a"], true, TestTimeouts.Token()));

        Assert.False(ex.IsTransient);
    }

    private sealed class FlakyHandler(int failures, Func<HttpResponseMessage> responder) : HttpMessageHandler
    {
        private int _remaining = failures;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Interlocked.Decrement(ref _remaining) >= 0
                ? throw new HttpRequestException("Connection refused (simulated)")
                : Task.FromResult(responder());
    }
}

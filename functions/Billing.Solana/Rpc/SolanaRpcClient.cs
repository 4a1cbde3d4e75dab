using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using static Billing.Solana.Rpc.RpcResults;

namespace Billing.Solana.Rpc;

/// <summary>
/// JSON-RPC 2.0 client for a Solana node over an injected <see cref="HttpClient"/>.
/// Transient failures (transport errors, attempt timeouts, HTTP 429/5xx) are retried by the
/// <see cref="ResiliencePipeline"/>; JSON-RPC errors are thrown at once as <see cref="SolanaRpcException"/>.
/// Lamports and token amounts are integers end to end.
/// </summary>
public sealed class SolanaRpcClient : ISolanaRpcClient
{
    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly ResiliencePipeline _pipeline;
    private readonly Commitment _defaultCommitment;
    private long _nextId;

    /// <param name="httpClient">Shared client (e.g. from IHttpClientFactory); its own Timeout should exceed the per-attempt timeout.</param>
    /// <param name="options">Endpoint and resilience settings.</param>
    /// <param name="pipeline">Optional pipeline; defaults to <see cref="SolanaRpcResilience.CreatePipeline"/> from <paramref name="options"/>.</param>
    public SolanaRpcClient(HttpClient httpClient, SolanaRpcOptions options, ResiliencePipeline? pipeline = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        _http = httpClient;
        _endpoint = options.RpcUrl ?? httpClient.BaseAddress
            ?? throw new ArgumentException("Set SolanaRpcOptions.RpcUrl or HttpClient.BaseAddress.", nameof(options));
        _pipeline = pipeline ?? SolanaRpcResilience.CreatePipeline(options);
        _defaultCommitment = options.DefaultCommitment;
    }

    public Task<LatestBlockhash> GetLatestBlockhashAsync(Commitment? commitment, CancellationToken cancellationToken) =>
        CallAsync("getLatestBlockhash", [Config(commitment)], result =>
        {
            var value = result.GetProperty("value");
            return new LatestBlockhash(
                value.GetProperty("blockhash").GetString()!,
                value.GetProperty("lastValidBlockHeight").GetUInt64(),
                ContextSlot(result));
        }, cancellationToken);

    /// <summary>Submits wire bytes (base64) and returns the signature. A retried send is safe: the same signed bytes cannot land twice.</summary>
    public Task<string> SendTransactionAsync(ReadOnlyMemory<byte> transaction, SendTransactionOptions? options, CancellationToken cancellationToken)
    {
        options ??= new SendTransactionOptions();
        var config = new JsonObject
        {
            ["encoding"] = "base64",
            ["skipPreflight"] = options.SkipPreflight,
            ["preflightCommitment"] = (options.PreflightCommitment ?? _defaultCommitment).ToRpcString(),
        };
        if (options.MaxRetries is { } maxRetries)
        {
            config["maxRetries"] = maxRetries;
        }

        return CallAsync("sendTransaction", [Convert.ToBase64String(transaction.Span), config], r => r.GetString()!, cancellationToken);
    }

    public Task<SimulationResult> SimulateTransactionAsync(ReadOnlyMemory<byte> transaction, Commitment? commitment, CancellationToken cancellationToken)
    {
        var config = new JsonObject
        {
            ["encoding"] = "base64",
            ["sigVerify"] = false,
            ["commitment"] = (commitment ?? _defaultCommitment).ToRpcString(),
        };
        return CallAsync("simulateTransaction", [Convert.ToBase64String(transaction.Span), config], result =>
        {
            var value = result.GetProperty("value");
            return new SimulationResult(
                ParseError(value, "err"),
                StringArray(value, "logs"),
                value.TryGetProperty("unitsConsumed", out var units) && units.ValueKind == JsonValueKind.Number ? units.GetUInt64() : null,
                ContextSlot(result));
        }, cancellationToken);
    }

    public Task<SignatureStatuses> GetSignatureStatusesAsync(IReadOnlyList<string> signatures, bool searchTransactionHistory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signatures);
        var list = new JsonArray(signatures.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray());
        var config = new JsonObject { ["searchTransactionHistory"] = searchTransactionHistory };
        return CallAsync("getSignatureStatuses", [list, config], result =>
        {
            // One status (or null) per signature asked for: an answer missing one must not read as "unknown to the node".
            var value = result.GetProperty("value");
            return value.GetArrayLength() == signatures.Count
                ? new SignatureStatuses(ContextSlot(result), value.EnumerateArray().Select(ParseSignatureStatus).ToArray())
                : throw new FormatException($"{value.GetArrayLength()} statuses for {signatures.Count} signatures");
        }, cancellationToken);
    }

    public Task<TransactionInfo?> GetTransactionAsync(string signature, Commitment? commitment, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(signature);
        var config = new JsonObject
        {
            ["encoding"] = "json",
            ["maxSupportedTransactionVersion"] = 0,
            ["commitment"] = (commitment ?? _defaultCommitment).ToRpcString(),
        };
        return CallAsync("getTransaction", [signature, config], ParseTransaction, cancellationToken);
    }

    public Task<IReadOnlyList<SignatureInfo>> GetSignaturesForAddressAsync(PublicKey address, string? before, string? until, int limit, Commitment? commitment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 1000);
        var config = Config(commitment);
        config["limit"] = limit;
        if (before is not null)
        {
            config["before"] = before;
        }

        if (until is not null)
        {
            config["until"] = until;
        }

        return CallAsync<IReadOnlyList<SignatureInfo>>("getSignaturesForAddress", [address.ToString(), config], result =>
            result.EnumerateArray().Select(r => new SignatureInfo(
                r.GetProperty("signature").GetString()!,
                r.GetProperty("slot").GetUInt64(),
                ParseError(r, "err"),
                r.TryGetProperty("memo", out var memo) && memo.ValueKind == JsonValueKind.String ? memo.GetString() : null,
                r.TryGetProperty("blockTime", out var bt) && bt.ValueKind == JsonValueKind.Number ? bt.GetInt64() : null)).ToArray(), cancellationToken);
    }

    public Task<ulong> GetSlotAsync(Commitment? commitment, CancellationToken cancellationToken) =>
        CallAsync("getSlot", [Config(commitment)], r => r.GetUInt64(), cancellationToken);

    public Task<EpochInfo> GetEpochInfoAsync(Commitment? commitment, CancellationToken cancellationToken) =>
        CallAsync("getEpochInfo", [Config(commitment)], r => new EpochInfo(r.GetProperty("absoluteSlot").GetUInt64(), r.GetProperty("blockHeight").GetUInt64()), cancellationToken);

    public Task<ulong> GetFirstAvailableBlockAsync(CancellationToken cancellationToken) =>
        CallAsync("getFirstAvailableBlock", [], r => r.GetUInt64(), cancellationToken);

    public Task<ulong?> GetBlockHeightAtSlotAsync(ulong slot, Commitment? commitment, CancellationToken cancellationToken)
    {
        var config = Config(commitment);
        config["transactionDetails"] = "none";
        config["rewards"] = false;
        config["maxSupportedTransactionVersion"] = 0;
        return CallAsync("getBlock", [slot, config], r =>
            r.ValueKind == JsonValueKind.Object && r.TryGetProperty("blockHeight", out var height) && height.ValueKind == JsonValueKind.Number ? height.GetUInt64() : (ulong?)null, cancellationToken);
    }

    public async Task<AccountInfo?> GetAccountInfoAsync(PublicKey account, Commitment? commitment, CancellationToken cancellationToken) =>
        (await GetAccountStateAsync(account, commitment, null, cancellationToken).ConfigureAwait(false)).Account;

    public Task<AccountState> GetAccountStateAsync(PublicKey account, Commitment? commitment, ulong? minContextSlot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var config = Config(commitment);
        config["encoding"] = "base64";
        if (minContextSlot is { } slot)
        {
            config["minContextSlot"] = slot;
        }

        return CallAsync("getAccountInfo", [account.ToString(), config], result =>
        {
            var value = result.GetProperty("value");
            if (value.ValueKind == JsonValueKind.Null)
            {
                return new AccountState(ContextSlot(result), null);
            }

            var data = value.GetProperty("data");
            var encoded = data.ValueKind == JsonValueKind.Array ? data[0].GetString() : data.GetString();
            return new AccountState(ContextSlot(result), new AccountInfo(
                value.GetProperty("lamports").GetUInt64(),
                value.GetProperty("owner").GetString()!,
                Convert.FromBase64String(encoded ?? string.Empty),
                value.GetProperty("executable").GetBoolean(),
                value.TryGetProperty("rentEpoch", out var rentEpoch) && rentEpoch.TryGetUInt64(out var epoch) ? epoch : 0));
        }, cancellationToken);
    }

    public Task<ulong> GetBalanceAsync(PublicKey account, Commitment? commitment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        return CallAsync("getBalance", [account.ToString(), Config(commitment)], r => r.GetProperty("value").GetUInt64(), cancellationToken);
    }

    public Task<TokenAmount> GetTokenAccountBalanceAsync(PublicKey tokenAccount, Commitment? commitment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokenAccount);
        return CallAsync("getTokenAccountBalance", [tokenAccount.ToString(), Config(commitment)], r => ParseTokenAmount(r.GetProperty("value")), cancellationToken);
    }

    public Task<TokenAmount> GetTokenSupplyAsync(PublicKey mint, Commitment? commitment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mint);
        return CallAsync("getTokenSupply", [mint.ToString(), Config(commitment)], r => ParseTokenAmount(r.GetProperty("value")), cancellationToken);
    }

    public Task<string> RequestAirdropAsync(PublicKey account, ulong lamports, Commitment? commitment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        return CallAsync("requestAirdrop", [account.ToString(), lamports, Config(commitment)], r => r.GetString()!, cancellationToken);
    }

    public Task<ulong> GetMinimumBalanceForRentExemptionAsync(ulong dataLength, CancellationToken cancellationToken) =>
        CallAsync("getMinimumBalanceForRentExemption", [dataLength], r => r.GetUInt64(), cancellationToken);

    /// <summary>True when the node reports "ok"; false when it answers "node is unhealthy" (-32005).</summary>
    public async Task<bool> GetHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await CallAsync("getHealth", [], r => r.GetString() == "ok", cancellationToken).ConfigureAwait(false);
        }
        catch (SolanaRpcException ex) when (ex.Code == SolanaRpcException.NodeUnhealthy)
        {
            return false;
        }
    }

    /// <summary>Escape hatch for methods without a typed wrapper; returns the raw <c>result</c>.</summary>
    public Task<JsonElement> CallRawAsync(string method, JsonArray parameters, CancellationToken cancellationToken) =>
        CallAsync(method, parameters, r => r.Clone(), cancellationToken);

    private async Task<T> CallAsync<T>(string method, JsonArray parameters, Func<JsonElement, T> map, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = Interlocked.Increment(ref _nextId),
            ["method"] = method,
            ["params"] = parameters,
        }.ToJsonString();

        JsonElement result;
        try
        {
            result = await _pipeline.ExecuteAsync(
                static async (state, token) => await state.Client.SendOnceAsync(state.Method, state.Body, token).ConfigureAwait(false),
                (Client: this, Method: method, Body: body),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not SolanaRpcException and not SolanaRpcTransportException &&
                                   SolanaRpcResilience.IsTransient(ex, cancellationToken))
        {
            throw new SolanaRpcTransportException($"{method}: no response from {_endpoint.Host} ({ex.GetType().Name}: {ex.Message})", isTransient: true, innerException: ex);
        }

        try
        {
            return map(result);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException or JsonException)
        {
            throw new SolanaRpcTransportException($"{method}: unexpected result shape: {result.GetRawText()}", isTransient: false, innerException: ex);
        }
    }

    /// <summary>One HTTP attempt; throws transient errors for the pipeline to retry.</summary>
    private async Task<JsonElement> SendOnceAsync(string method, string body, CancellationToken cancellationToken)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = JsonMediaType;
        using var response = await _http.PostAsync(_endpoint, content, cancellationToken).ConfigureAwait(false);
        var payload = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);

        if (SolanaRpcResilience.IsTransientStatus(response.StatusCode))
        {
            throw new SolanaRpcTransportException($"{method}: HTTP {(int)response.StatusCode} from {_endpoint.Host}", isTransient: true, response.StatusCode);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload);
        }
        catch (JsonException ex)
        {
            throw new SolanaRpcTransportException($"{method}: HTTP {(int)response.StatusCode} with a body that is not JSON", isTransient: false, response.StatusCode, ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                throw new SolanaRpcException(
                    method,
                    error.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.Number && code.TryGetInt64(out var c) ? c : 0,
                    ErrorMessage(error),
                    error.TryGetProperty("data", out var data) ? data.Clone() : null);
            }

            if (!response.IsSuccessStatusCode || root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("result", out var result))
            {
                throw new SolanaRpcTransportException($"{method}: HTTP {(int)response.StatusCode} without a JSON-RPC result", isTransient: false, response.StatusCode);
            }

            return result.Clone();
        }
    }

    /// <summary>
    /// The JSON-RPC error's <c>message</c>: its text, or, from a node that sends something else there, that JSON cut to 200
    /// characters (read with a type check: GetString on a number or object would throw past the error the node reported).
    /// </summary>
    private static string ErrorMessage(JsonElement error)
    {
        if (!error.TryGetProperty("message", out var message))
        {
            return string.Empty;
        }

        string text = message.ValueKind == JsonValueKind.String ? message.GetString() ?? string.Empty : message.GetRawText();
        return text.Length > 200 ? text[..200] + "…" : text;
    }

    private JsonObject Config(Commitment? commitment) => new() { ["commitment"] = (commitment ?? _defaultCommitment).ToRpcString() };
}

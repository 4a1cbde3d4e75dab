namespace Billing.Solana.Rpc;

/// <summary>
/// The node answered with a JSON-RPC error. Deterministic: resending the same request gives the same answer,
/// so it is never retried. For -32002 (preflight failure) <see cref="TransactionError"/> and
/// <see cref="Logs"/> carry the simulation result.
/// </summary>
public sealed class SolanaRpcException : Exception
{
    public const long SendTransactionPreflightFailure = -32002;
    public const long TransactionSignatureVerificationFailure = -32003;
    public const long NodeUnhealthy = -32005;
    public const long TransactionPrecompileVerificationFailure = -32006;
    public const long MinContextSlotNotReached = -32016;
    public const long InvalidParams = -32602;

    public SolanaRpcException(string method, long code, string rpcMessage, JsonElement? data)
        : base($"{method} failed with JSON-RPC error {code}: {rpcMessage}")
    {
        Method = method;
        Code = code;
        RpcMessage = rpcMessage;
        ErrorData = data;
        if (data is { ValueKind: JsonValueKind.Object } d)
        {
            if (d.TryGetProperty("err", out var err) && err.ValueKind != JsonValueKind.Null)
            {
                TransactionError = TransactionError.Parse(err);
            }

            if (d.TryGetProperty("logs", out var logs) && logs.ValueKind == JsonValueKind.Array)
            {
                Logs = logs.EnumerateArray().Select(l => l.GetString() ?? string.Empty).ToArray();
            }

            if (d.TryGetProperty("unitsConsumed", out var units) && units.TryGetUInt64(out var u))
            {
                UnitsConsumed = u;
            }
        }
    }

    public string Method { get; }

    public long Code { get; }

    public string RpcMessage { get; }

    /// <summary>The raw JSON-RPC <c>error.data</c>.</summary>
    public JsonElement? ErrorData { get; }

    /// <summary>Decoded <c>data.err</c> (e.g. BlockhashNotFound, InstructionError), when present.</summary>
    public TransactionError? TransactionError { get; }

    /// <summary>Simulation logs from <c>data.logs</c>; empty when absent.</summary>
    public IReadOnlyList<string> Logs { get; } = [];

    public ulong? UnitsConsumed { get; }

    public bool IsPreflightFailure => Code == SendTransactionPreflightFailure;
}

namespace Billing.Solana.Rpc;

/// <summary>
/// Reads the JSON-RPC results <see cref="SolanaRpcClient"/> receives into this library's types: the transport there, the
/// shapes of a real validator's answers here. Amounts are read from their integer strings, never from floats.
/// </summary>
internal static class RpcResults
{
    internal static ulong ContextSlot(JsonElement result) =>
        result.TryGetProperty("context", out var context) && context.TryGetProperty("slot", out var slot) ? slot.GetUInt64() : 0;

    internal static TransactionError? ParseError(JsonElement parent, string property) =>
        parent.TryGetProperty(property, out var err) && err.ValueKind != JsonValueKind.Null ? TransactionError.Parse(err) : null;

    internal static string[] StringArray(JsonElement parent, string property) =>
        parent.TryGetProperty(property, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().Select(e => e.GetString() ?? string.Empty).ToArray()
            : [];

    internal static ulong[] UInt64Array(JsonElement parent, string property) =>
        parent.TryGetProperty(property, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().Select(e => e.GetUInt64()).ToArray()
            : [];

    internal static SignatureStatus? ParseSignatureStatus(JsonElement status)
    {
        if (status.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var confirmations = status.TryGetProperty("confirmations", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetUInt64() : (ulong?)null;
        var level = status.TryGetProperty("confirmationStatus", out var cs) && cs.ValueKind == JsonValueKind.String
            ? CommitmentExtensions.ParseCommitment(cs.GetString())
            : null;
        return new SignatureStatus(status.GetProperty("slot").GetUInt64(), confirmations, ParseError(status, "err"), level);
    }

    /// <summary>Reads the integer amount string; the float uiAmount is ignored on purpose.</summary>
    internal static TokenAmount ParseTokenAmount(JsonElement value) =>
        new(ulong.Parse(value.GetProperty("amount").GetString()!, NumberStyles.None, CultureInfo.InvariantCulture), value.GetProperty("decimals").GetByte());

    internal static TransactionInfo? ParseTransaction(JsonElement result)
    {
        if (result.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var transaction = result.GetProperty("transaction");
        var message = transaction.GetProperty("message");
        TransactionMeta? meta = null;
        if (result.TryGetProperty("meta", out var m) && m.ValueKind == JsonValueKind.Object)
        {
            meta = new TransactionMeta(
                ParseError(m, "err"),
                m.GetProperty("fee").GetUInt64(),
                StringArray(m, "logMessages"),
                UInt64Array(m, "preBalances"),
                UInt64Array(m, "postBalances"),
                TokenBalances(m, "preTokenBalances"),
                TokenBalances(m, "postTokenBalances"),
                m.TryGetProperty("computeUnitsConsumed", out var cu) && cu.ValueKind == JsonValueKind.Number ? cu.GetUInt64() : null);
        }

        return new TransactionInfo(
            result.GetProperty("slot").GetUInt64(),
            result.TryGetProperty("blockTime", out var bt) && bt.ValueKind == JsonValueKind.Number ? bt.GetInt64() : null,
            StringArray(transaction, "signatures"),
            StringArray(message, "accountKeys"),
            message.TryGetProperty("recentBlockhash", out var bh) ? bh.GetString() ?? string.Empty : string.Empty,
            meta)
        {
            RequiredSignatures = message.TryGetProperty("header", out var header) && header.TryGetProperty("numRequiredSignatures", out var n) ? n.GetInt32() : 0,
            Instructions = message.TryGetProperty("instructions", out var ixs) && ixs.ValueKind == JsonValueKind.Array
                ? ixs.EnumerateArray().Select(ix => new CompiledInstructionInfo(
                    ix.GetProperty("programIdIndex").GetInt32(),
                    ix.TryGetProperty("accounts", out var acc) && acc.ValueKind == JsonValueKind.Array ? acc.EnumerateArray().Select(a => a.GetInt32()).ToArray() : [],
                    Base58.Decode(ix.TryGetProperty("data", out var data) ? data.GetString() ?? string.Empty : string.Empty))).ToArray()
                : [],
        };
    }

    internal static TokenBalance[] TokenBalances(JsonElement meta, string property)
    {
        if (!meta.TryGetProperty(property, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return array.EnumerateArray().Select(b => new TokenBalance(
            b.GetProperty("accountIndex").GetInt32(),
            b.GetProperty("mint").GetString()!,
            b.TryGetProperty("owner", out var owner) ? owner.GetString() : null,
            b.TryGetProperty("programId", out var program) ? program.GetString() : null,
            ParseTokenAmount(b.GetProperty("uiTokenAmount")))).ToArray();
    }
}

namespace Billing.Solana.Rpc;

/// <summary>
/// Decoded transaction error, e.g. <c>"BlockhashNotFound"</c> or <c>{"InstructionError":[1,{"Custom":18}]}</c>.
/// <see cref="Name"/> keeps the wire name even for variants this client does not know.
/// </summary>
public sealed record TransactionError(
    TransactionErrorKind Kind,
    string Name,
    int? InstructionIndex,
    InstructionError? InstructionError,
    string RawJson)
{
    public static TransactionError Parse(JsonElement element)
    {
        var raw = element.GetRawText();
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                var name = element.GetString()!;
                return new TransactionError(KindOf(name), name, null, null, raw);
            case JsonValueKind.Object:
                using (var properties = element.EnumerateObject())
                {
                    if (!properties.MoveNext())
                    {
                        break;
                    }

                    var property = properties.Current;
                    var kind = KindOf(property.Name);
                    if (kind == TransactionErrorKind.InstructionError &&
                        property.Value.ValueKind == JsonValueKind.Array &&
                        property.Value.GetArrayLength() == 2)
                    {
                        var index = property.Value[0].GetInt32();
                        return new TransactionError(kind, property.Name, index, ParseInstructionError(property.Value[1]), raw);
                    }

                    int? detailIndex = property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt32(out var n) ? n : null;
                    return new TransactionError(kind, property.Name, detailIndex, null, raw);
                }
        }

        return new TransactionError(TransactionErrorKind.Unknown, raw, null, null, raw);
    }

    public override string ToString() => InstructionError is { } inner ? $"{Name}[{InstructionIndex}]: {inner}" : Name;

    private static TransactionErrorKind KindOf(string name) =>
        Enum.TryParse<TransactionErrorKind>(name, ignoreCase: false, out var kind) && Enum.IsDefined(kind) ? kind : TransactionErrorKind.Unknown;

    private static InstructionError ParseInstructionError(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.String)
        {
            return new InstructionError(element.GetString()!, null);
        }

        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                uint? code = property.Name == "Custom" && property.Value.TryGetUInt32(out var c) ? c : null;
                return new InstructionError(property.Name, code);
            }
        }

        return new InstructionError(element.GetRawText(), null);
    }
}

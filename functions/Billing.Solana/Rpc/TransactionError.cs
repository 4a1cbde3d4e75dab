using System.Text.Json;

namespace Billing.Solana.Rpc;

/// <summary>Variants of the runtime's TransactionError as serialized by the RPC (unknown names map to <see cref="Unknown"/>).</summary>
public enum TransactionErrorKind
{
    Unknown,
    AccountInUse,
    AccountLoadedTwice,
    AccountNotFound,
    ProgramAccountNotFound,
    InsufficientFundsForFee,
    InvalidAccountForFee,
    AlreadyProcessed,
    BlockhashNotFound,
    InstructionError,
    CallChainTooDeep,
    MissingSignatureForFee,
    InvalidAccountIndex,
    SignatureFailure,
    InvalidProgramForExecution,
    SanitizeFailure,
    ClusterMaintenance,
    AccountBorrowOutstanding,
    WouldExceedMaxBlockCostLimit,
    UnsupportedVersion,
    InvalidWritableAccount,
    WouldExceedMaxAccountCostLimit,
    WouldExceedAccountDataBlockLimit,
    TooManyAccountLocks,
    AddressLookupTableNotFound,
    InvalidAddressLookupTableOwner,
    InvalidAddressLookupTableData,
    InvalidAddressLookupTableIndex,
    InvalidRentPayingAccount,
    WouldExceedMaxVoteCostLimit,
    WouldExceedAccountDataTotalLimit,
    DuplicateInstruction,
    InsufficientFundsForRent,
    MaxLoadedAccountsDataSizeExceeded,
    InvalidLoadedAccountsDataSizeLimit,
    ResanitizationNeeded,
    ProgramExecutionTemporarilyRestricted,
    UnbalancedTransaction,
    ProgramCacheHitMaxLimit,
    CommitCancelled,
}

/// <summary>An instruction failure: a named builtin error or <c>{"Custom": n}</c> from the program.</summary>
public sealed record InstructionError(string Name, uint? CustomCode)
{
    public bool IsCustom => CustomCode is not null;

    public override string ToString() => CustomCode is { } code ? $"Custom({code})" : Name;
}

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

/// <summary>SPL Token program custom error codes (the <c>n</c> in <c>{"Custom": n}</c>).</summary>
public enum TokenProgramError : uint
{
    NotRentExempt = 0,
    InsufficientFunds = 1,
    InvalidMint = 2,
    MintMismatch = 3,
    OwnerMismatch = 4,
    FixedSupply = 5,
    AlreadyInUse = 6,
    InvalidNumberOfProvidedSigners = 7,
    InvalidNumberOfRequiredSigners = 8,
    UninitializedState = 9,
    NativeNotSupported = 10,
    NonNativeHasBalance = 11,
    InvalidInstruction = 12,
    InvalidState = 13,
    Overflow = 14,
    AuthorityTypeNotSupported = 15,
    MintCannotFreeze = 16,
    AccountFrozen = 17,
    MintDecimalsMismatch = 18,
    NonNativeNotSupported = 19,
}

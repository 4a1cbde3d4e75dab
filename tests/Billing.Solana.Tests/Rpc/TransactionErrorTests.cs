namespace Billing.Solana.Tests.Rpc;

public sealed class TransactionErrorTests
{
    private static TransactionError Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return TransactionError.Parse(document.RootElement);
    }

    [Theory]
    [InlineData("\"BlockhashNotFound\"", TransactionErrorKind.BlockhashNotFound)]
    [InlineData("\"AlreadyProcessed\"", TransactionErrorKind.AlreadyProcessed)]
    [InlineData("\"InsufficientFundsForFee\"", TransactionErrorKind.InsufficientFundsForFee)]
    [InlineData("\"SomethingNew\"", TransactionErrorKind.Unknown)]
    [InlineData("{\"InsufficientFundsForRent\":{\"account_index\":2}}", TransactionErrorKind.InsufficientFundsForRent)]
    public void Parse_NamedVariant_MapsKind(string json, TransactionErrorKind expected)
    {
        Assert.Equal(expected, Parse(json).Kind);
    }

    [Fact]
    public void Parse_InstructionErrorCustom_ExposesIndexAndCode()
    {
        var error = Parse("""{"InstructionError":[2,{"Custom":18}]}""");
        Assert.Equal(TransactionErrorKind.InstructionError, error.Kind);
        Assert.Equal(2, error.InstructionIndex);
        Assert.Equal("Custom", error.InstructionError!.Name);
        Assert.Equal(18u, error.InstructionError.CustomCode);
        Assert.Equal("InstructionError[2]: Custom(18)", error.ToString());
    }

    [Fact]
    public void Parse_InstructionErrorNamed_HasNoCustomCode()
    {
        var error = Parse("""{"InstructionError":[0,"MissingRequiredSignature"]}""");
        Assert.Equal("MissingRequiredSignature", error.InstructionError!.Name);
        Assert.False(error.InstructionError.IsCustom);
    }

    [Fact]
    public void Parse_DuplicateInstruction_KeepsIndex()
    {
        var error = Parse("""{"DuplicateInstruction":3}""");
        Assert.Equal(TransactionErrorKind.DuplicateInstruction, error.Kind);
        Assert.Equal(3, error.InstructionIndex);
    }
}

public sealed class TokenAmountTests
{
    [Theory]
    [InlineData(0UL, 8, "0")]
    [InlineData(1UL, 8, "0.00000001")]
    [InlineData(150000000UL, 8, "1.5")]
    [InlineData(100000000000000000UL, 8, "1000000000")]
    [InlineData(123UL, 0, "123")]
    public void ToDecimalString_Amount_FormatsExactly(ulong amount, byte decimals, string expected)
    {
        Assert.Equal(expected, new TokenAmount(amount, decimals).ToDecimalString());
    }
}

namespace Billing.Solana.Tests.Transactions;

public sealed class ShortVecTests
{
    [Theory]
    [InlineData(0, new byte[] { 0x00 })]
    [InlineData(0x7f, new byte[] { 0x7f })]
    [InlineData(0x80, new byte[] { 0x80, 0x01 })]
    [InlineData(0x3fff, new byte[] { 0xff, 0x7f })]
    [InlineData(0x4000, new byte[] { 0x80, 0x80, 0x01 })]
    [InlineData(0xffff, new byte[] { 0xff, 0xff, 0x03 })]
    public void Encode_Value_ProducesCompactU16(int value, byte[] expected)
    {
        Span<byte> buffer = stackalloc byte[3];
        var length = ShortVec.Encode(value, buffer);
        Assert.Equal(expected, buffer[..length].ToArray());
        Assert.Equal((value, expected.Length), ShortVec.Decode(expected));
    }

    [Fact]
    public void Encode_OutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ShortVec.Encode(0x10000, new byte[3]));
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0x00 })]
    [InlineData(new byte[] { 0x80 })]
    [InlineData(new byte[] { 0xff, 0xff, 0xff, 0x01 })]
    public void Decode_Malformed_Throws(byte[] bytes)
    {
        Assert.Throws<FormatException>(() => ShortVec.Decode(bytes));
    }
}

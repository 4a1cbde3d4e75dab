namespace Billing.Solana.Tests.Keys;

public sealed class Base58KeyComparerTests
{
    [Fact]
    public void Compare_IcuSortedStrings_ReproducesIcuOrder()
    {
        var expected = VectorFile.Load("keys.json").Array("localeSorted").Select(e => e.GetString()!).ToList();
        var shuffled = expected.OrderBy(s => s.GetHashCode(StringComparison.Ordinal)).ToList();
        shuffled.Sort(Base58KeyComparer.Instance);
        Assert.Equal(expected, shuffled);
    }

    [Theory]
    [InlineData("a", "B", -1)]
    [InlineData("B", "a", 1)]
    [InlineData("9", "A", -1)]
    [InlineData("ab", "Ab", -1)]
    [InlineData("aB", "Ab", -1)]
    [InlineData("Ab", "aBc", -1)]
    [InlineData("abc", "abc", 0)]
    public void Compare_Pairs_FollowsLocaleRules(string x, string y, int expected)
    {
        Assert.Equal(expected, Math.Sign(Base58KeyComparer.Instance.Compare(x, y)));
    }
}

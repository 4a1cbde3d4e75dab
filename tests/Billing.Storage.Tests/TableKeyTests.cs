using Billing.Storage;

namespace Billing.Storage.Tests;

public class TableKeyTests
{
    [Theory]
    [InlineData("plain-id_123")]
    [InlineData("a/b\\c#d?e")]
    [InlineData("100%|pipe|'quote'")]
    [InlineData("ctrl\u0001\u001f\u007f\u0085end")]
    [InlineData("unicode-é-漢字-\u2028")]
    public void Escape_HostileCharacters_RoundTripsAndLeavesNoForbiddenChar(string value)
    {
        string escaped = TableKey.Escape(value);

        Assert.Equal(value, TableKey.Unescape(escaped));
        Assert.DoesNotContain(escaped, c => c is '/' or '\\' or '#' or '?' or '|' || char.IsControl(c));
    }

    [Fact]
    public void Escape_PlainValue_IsUnchanged()
    {
        Assert.Same("carrier-tmo", TableKey.Escape("carrier-tmo"));
    }
}

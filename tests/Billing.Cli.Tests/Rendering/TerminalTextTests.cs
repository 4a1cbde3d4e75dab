namespace Billing.Cli.Tests.Rendering;

/// <summary>What reaches a terminal of a server's text: one line stays one line; a body of lines keeps its line ends only.</summary>
public sealed class TerminalTextTests
{
    [Fact]
    public void Visible_LineFeedCarriageReturnAndTabInAField_SpelledOutSoNoLineCanBeFaked()
    {
        string text = TerminalText.Visible("INV-a\nledger verify: ok (9 entries)\r\tx");

        Assert.Equal("INV-a\\u000Aledger verify: ok (9 entries)\\u000D\\u0009x", text);
    }

    [Fact]
    public void VisibleLines_CsvBody_KeepsCrLfLineEndsAndTabsAndSpellsTheRest()
    {
        string text = TerminalText.VisibleLines("a,b\r\nc\t\u001B[2J,\"d\re\"\r\n\u202E")!;

        Assert.Equal("a,b\r\nc\t\\u001B[2J,\"d\\u000De\"\r\n\\u202E", text);
    }
}

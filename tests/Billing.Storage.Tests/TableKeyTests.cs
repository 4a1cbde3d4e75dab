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

    [Fact]
    public void Part_EscapedValueTooLong_IsFixedLengthDigestDistinctFromAnyEscape()
    {
        string emoji = string.Concat(Enumerable.Repeat("\U0001F4E1", 64)); // 128 UTF-16 units, 768 characters escaped

        string part = TableKey.Part(emoji, 480);

        Assert.Equal(TableKey.DigestChars, part.Length);
        Assert.StartsWith("%h", part, StringComparison.Ordinal);
        Assert.Equal(part, TableKey.Part(emoji, 480));
        Assert.NotEqual(part, TableKey.Part(emoji + "x", 480));
        Assert.Equal("carrier-tmo", TableKey.Part("carrier-tmo", 480)); // short values keep the key they always had
        Assert.DoesNotContain("%h", TableKey.Escape("%h" + new string('a', 64)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(32)]
    [InlineData(64)]
    public void FactKeys_LongestSourceAndIdOfEmoji_StayWithinKeyLimit(int emojiInId)
    {
        string source = string.Concat(Enumerable.Repeat("\U0001F4E1", 64)); // a 128-character partner id of emoji
        string id = string.Concat(Enumerable.Repeat("\U0001F600", emojiInId));
        var time = new DateTimeOffset(2026, 10, 20, 10, 0, 0, TimeSpan.Zero);

        string[] keys =
        [
            FactStore.IdentityRowKey(source, id), FactStore.TimeRowKey(time, source, id), FactStore.ShardPartitionKey(source, 63),
            FactStore.ClaimPartitionKey(source, 63), QuarantineStore.PartitionKeyFor(source),
        ];

        Assert.All(keys, k => Assert.InRange(k.Length, 1, TableKey.MaxKeyChars));
        Assert.StartsWith(FactStore.TimeRowBound(time) + "|", keys[1], StringComparison.Ordinal); // time scans still find it
    }

    [Fact]
    public void FactKeys_OrdinaryIds_KeepTheirEscapedForm()
    {
        string id = new('/', 128); // the longest escape an id without surrogates can have: 384 characters

        Assert.Equal("k|carrier-tmo|" + TableKey.Escape(id), FactStore.IdentityRowKey("carrier-tmo", id));
        Assert.Equal("k|carrier-tmo|sess-1", FactStore.IdentityRowKey("carrier-tmo", "sess-1"));
    }

    [Fact]
    public void TextChunks_Split_NeverSeparatesASurrogatePairAndJoinsBackExactly()
    {
        string text = "a" + string.Concat(Enumerable.Repeat("\U0001F600", 10));

        var parts = TextChunks.Split(text, 4).ToList();

        Assert.Equal(text, string.Concat(parts));
        Assert.All(parts, p => Assert.False(char.IsHighSurrogate(p[^1])));
        Assert.All(parts, p => Assert.InRange(p.Length, 1, 4));
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(TableKey.MaxKeyChars, true)]
    [InlineData(TableKey.MaxKeyChars + 1, false)]
    public void CanExist_ByLength_OnlyUpToMaxKeyChars(int length, bool expected)
    {
        Assert.Equal(expected, TableKey.CanExist(new string('a', length)));
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("a\u0000b")]
    [InlineData("a\u007fb")]
    [InlineData("a\u009fb")]
    public void CanExist_CharacterTableStorageRefuses_False(string key)
    {
        Assert.False(TableKey.CanExist(key));
    }

    [Fact]
    public void CanExist_EveryEscapeAndDigestThatFits_True()
    {
        string hostile = "a/b\\c#d?e%f|g'h\u0001\u0085\u2028\ud800€";

        Assert.True(TableKey.CanExist(TableKey.Escape(hostile)));
        Assert.True(TableKey.CanExist(TableKey.Digest(hostile)));
        Assert.True(TableKey.CanExist(TableKey.Part(new string('/', 300), TableKey.MaxKeyChars)));
    }

    [Theory]
    [InlineData("%49NV-carrier-x-202610")] // "I" needs no escape
    [InlineData("a%7cb")] // lower-case hex: Escape writes upper case
    [InlineData("a%u007C")] // a character below U+0100 escaped the long way
    [InlineData("%4")]
    [InlineData("%zz")]
    [InlineData("202607|%49NV")] // a needless escape in a part of a composite key
    public void TryUnescape_KeyEscapeNeverWrites_FalseWithTheKeyAsStored(string key)
    {
        Assert.False(TableKey.TryUnescape(key, out string unescaped)); // before: the first three read as another key's id
        Assert.Equal(key, unescaped);
    }

    [Theory]
    [InlineData("INV-carrier-x-202610")]
    [InlineData("100%|pipe|'quote'")]
    [InlineData("unicode-é-漢字-\u2028-\U0001F4E1")]
    public void TryUnescape_EscapedValue_TrueWithTheValue(string value)
    {
        Assert.True(TableKey.TryUnescape(TableKey.Escape(value), out string unescaped));
        Assert.Equal(value, unescaped);
    }

    [Fact]
    public void TryUnescape_CompositeKeyOfEscapedParts_TrueWithThePartsJoined()
    {
        string key = "202607|" + TableKey.Escape("carrier|tmo"); // a late-usage mark's row key: {yyyyMM}|{payer}

        Assert.True(TableKey.TryUnescape(key, out string unescaped)); // before: false, and the mark was named by its stored key
        Assert.Equal("202607|carrier|tmo", unescaped);
    }
}

using System.Text;

namespace Billing.Solana.Tests.Keys;

public sealed class PublicKeyTests
{
    private static readonly System.Text.Json.JsonElement KeyVectors = VectorFile.Load("keys.json");

    public static TheoryData<string, bool, string> CurveCases()
    {
        var data = new TheoryData<string, bool, string>();
        foreach (var c in KeyVectors.Array("curve"))
        {
            data.Add(c.Str("key"), c.GetProperty("onCurve").GetBoolean(), c.Str("source"));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CurveCases))]
    public void IsOnCurve_Web3Vector_MatchesReference(string key, bool expected, string source)
    {
        Assert.True(expected == new PublicKey(key).IsOnCurve(), $"{source} key {key}");
    }

    [Fact]
    public void IsOnCurve_AllZeroKey_IsOnCurve()
    {
        // y = 0 gives x² = 1/1 which has a root, so the system program id decompresses.
        Assert.True(new PublicKey("11111111111111111111111111111111").IsOnCurve());
    }

    [Fact]
    public void IsOnCurve_NonCanonicalY_IsReducedLikeTheRuntime()
    {
        // All 0xff: y = 2^255 - 1 ≡ 18 (mod p). The runtime (curve25519-dalek) reduces instead of rejecting.
        var key = new PublicKey(Enumerable.Repeat((byte)0xff, 32).ToArray());
        var reduced = new byte[32];
        reduced[0] = 18;
        reduced[31] = 0x80;
        Assert.Equal(new PublicKey(reduced).IsOnCurve(), key.IsOnCurve());
    }

    [Fact]
    public void Base58_VectorBytes_RoundTrip()
    {
        foreach (var v in KeyVectors.Array("base58"))
        {
            var bytes = Convert.FromHexString(v.Str("hex"));
            Assert.Equal(v.Str("base58"), Base58.Encode(bytes));
            Assert.Equal(bytes, Base58.Decode(v.Str("base58")));
        }
    }

    [Fact]
    public void Constructor_Base58_RoundTripsAndHasValueEquality()
    {
        var a = new PublicKey("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
        var b = new PublicKey(a.ToByteArray());
        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA", b.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("0OIl")]
    [InlineData("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5D")]
    [InlineData("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DAA")]
    public void TryParse_InvalidText_ReturnsFalse(string text)
    {
        Assert.False(PublicKey.TryParse(text, out _));
    }

    [Fact]
    public void Constructor_WrongLength_Throws()
    {
        Assert.Throws<ArgumentException>(() => new PublicKey(new byte[31]));
    }

    [Fact]
    public void FindProgramAddress_Vectors_MatchWeb3()
    {
        var derivations = VectorFile.Load("derivations.json");
        var count = 0;
        foreach (var o in derivations.Array("owners"))
        {
            var program = new PublicKey(o.Str("pdaProgram"));
            var seeds = o.Array("pdaSeeds").Select(s => Convert.FromBase64String(s.GetString()!)).ToArray();
            var pda = PublicKey.FindProgramAddress(seeds, program);
            Assert.Equal(o.Str("pda"), pda.Address.ToString());
            Assert.Equal(o.GetProperty("bump").GetByte(), pda.Bump);
            Assert.False(pda.Address.IsOnCurve());

            var seeds2 = o.Array("pda2Seeds").Select(s => Convert.FromBase64String(s.GetString()!)).ToArray();
            var pda2 = PublicKey.FindProgramAddress(seeds2, program);
            Assert.Equal(o.Str("pda2"), pda2.Address.ToString());
            Assert.Equal(o.GetProperty("bump2").GetByte(), pda2.Bump);

            var recreated = PublicKey.CreateProgramAddress([.. seeds, [pda.Bump]], program);
            Assert.Equal(pda.Address, recreated);
            count++;
        }

        Assert.True(count >= 100);
    }

    [Fact]
    public void CreateWithSeed_Vectors_MatchWeb3()
    {
        var owners = VectorFile.Load("derivations.json").Array("owners").ToList();
        foreach (var o in owners)
        {
            var withSeed = o.GetProperty("withSeed");
            var address = PublicKey.CreateWithSeed(new PublicKey(o.Str("owner")), withSeed.Str("seed"), new PublicKey(withSeed.Str("owner")));
            Assert.Equal(withSeed.Str("address"), address.ToString());
        }

        Assert.Contains(owners, o => o.GetProperty("withSeed").Str("seed").Length == 0);
        Assert.Contains(owners, o => Encoding.UTF8.GetByteCount(o.GetProperty("withSeed").Str("seed")) == PublicKey.MaxSeedLength);
        Assert.Contains(owners, o => o.GetProperty("withSeed").Str("seed").Any(c => c > 127));
    }

    [Fact]
    public void CreateWithSeed_SeedOverThirtyTwoBytesOrProgramAddressOwner_Throws()
    {
        var baseKey = Keypair.Generate().PublicKey;
        Assert.Throws<ArgumentException>(() => PublicKey.CreateWithSeed(baseKey, new string('a', 33), SystemProgram.ProgramIdKey));
        Assert.Throws<ArgumentException>(() => PublicKey.CreateWithSeed(baseKey, new string('é', 17), SystemProgram.ProgramIdKey)); // 34 bytes

        var forged = new byte[32];
        Encoding.ASCII.GetBytes("ProgramDerivedAddress").CopyTo(forged, 11);
        Assert.Throws<ArgumentException>(() => PublicKey.CreateWithSeed(baseKey, "seed", new PublicKey(forged)));
    }

    [Fact]
    public void CreateProgramAddress_SeedTooLong_Throws()
    {
        Assert.Throws<ArgumentException>(() => PublicKey.CreateProgramAddress([new byte[33]], new PublicKey(new byte[32])));
    }

    [Theory]
    [InlineData("So11111111111111111111111111111111111111112\u00e9")]
    [InlineData("\u00e9")]
    [InlineData("So1111111111111111111111111111111111111111\u20ac")]
    [InlineData("So11111111111111111111111111111111111111112\ud83d\ude00")]
    public void TryParse_NonAsciiCharacter_FalseWithoutThrowing(string text)
    {
        Assert.False(PublicKey.TryParse(text, out var key));
        Assert.Null(key);
        Assert.False(Base58.TryDecode(text, out var bytes));
        Assert.Empty(bytes);
        Assert.Throws<ArgumentException>(() => Base58.Decode(text));
    }
}

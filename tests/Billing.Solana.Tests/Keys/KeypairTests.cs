namespace Billing.Solana.Tests.Keys;

public sealed class KeypairTests
{
    [Fact]
    public void FromJson_CliKeypairVectors_YieldsPublicKey()
    {
        foreach (var v in VectorFile.Load("keys.json").Array("keypairs"))
        {
            using var keypair = Keypair.FromJson(v.Str("json"));
            Assert.Equal(v.Str("publicKey"), keypair.PublicKey.ToString());
        }
    }

    [Fact]
    public void FromJson_MismatchedPublicHalf_Throws()
    {
        var bytes = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray();
        var json = "[" + string.Join(",", bytes) + "]";
        Assert.Throws<ArgumentException>(() => Keypair.FromJson(json));
    }

    [Theory]
    [InlineData("[1,2,3]")]
    [InlineData("{\"a\":1}")]
    [InlineData("[256,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]")]
    public void FromJson_Malformed_Throws(string json)
    {
        var ex = Record.Exception(() => Keypair.FromJson(json));
        Assert.True(ex is FormatException or ArgumentException, ex?.GetType().Name);
    }

    [Fact]
    public void IsValidJson_CliKeypairVectors_True()
    {
        Assert.All(VectorFile.Load("keys.json").Array("keypairs"), v => Assert.True(Keypair.IsValidJson(v.Str("json"))));
    }

    [Fact]
    public void IsValidJson_NotACliKeypair_False()
    {
        string mismatchedHalves = "[" + string.Join(",", Enumerable.Range(0, 64)) + "]";
        Assert.All(new[] { "[1,2,3]", "{\"a\":1}", "not json", mismatchedHalves }, json => Assert.False(Keypair.IsValidJson(json), json));
    }

    [Fact]
    public void Sign_Message_VerifiesWithPublicKey()
    {
        using var keypair = Keypair.FromSeed(new byte[32]);
        var message = "hello"u8.ToArray();
        var signature = keypair.Sign(message);
        Assert.Equal(64, signature.Length);
        Assert.True(keypair.PublicKey.Verify(message, signature));
        Assert.False(keypair.PublicKey.Verify("hellO"u8, signature));
    }

    [Fact]
    public async Task LoadFromFileAsync_CliFile_LoadsKeypair()
    {
        var vector = VectorFile.Load("keys.json").Array("keypairs").First();
        var path = Path.Combine(Path.GetTempPath(), $"kp-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, vector.Str("json"), TestTimeouts.Token());
        try
        {
            using var keypair = await Keypair.LoadFromFileAsync(path, TestTimeouts.Token());
            Assert.Equal(vector.Str("publicKey"), keypair.PublicKey.ToString());
        }
        finally
        {
            File.Delete(path);
        }
    }
}

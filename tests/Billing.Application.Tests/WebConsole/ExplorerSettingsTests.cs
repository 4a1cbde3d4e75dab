using Billing.Application.WebConsole;

namespace Billing.Application.Tests.WebConsole;

/// <summary>Which explorer cluster the console links to, and that the RPC URL it publishes carries no secret.</summary>
public class ExplorerSettingsTests
{
    [Theory]
    [InlineData("https://api.devnet.solana.com", "devnet")]
    [InlineData("https://api.testnet.solana.com", "testnet")]
    [InlineData("https://api.mainnet-beta.solana.com", "mainnet-beta")]
    [InlineData("https://mainnet.helius-rpc.com/?api-key=secret", "mainnet-beta")]
    [InlineData("http://127.0.0.1:8899", "custom")]
    [InlineData("https://rpc.example.net", "custom")]
    public void ClusterOf_RpcUrl_NamesTheExplorersCluster(string rpc, string cluster) =>
        Assert.Equal(cluster, ExplorerSettings.ClusterOf(new Uri(rpc)));

    [Theory]
    [InlineData("https://rpc.provider.example/solana/SECRET")]
    [InlineData("https://user:pw@rpc.example.net:8443/solana?api-key=SECRET")]
    public void Resolve_CustomRpcOfAProvider_PublishesNoUrl(string rpc)
    {
        var settings = ExplorerSettings.Resolve(new ConsoleOptions(), new SolanaOptions { RpcUrl = rpc });

        // Before: scheme, host, port and path were served to anyone (and put into every explorer link), and a provider's
        // key can be in the path.
        Assert.Equal(("custom", (Uri?)null), (settings.Cluster, settings.CustomUrl));
    }

    [Fact]
    public void Resolve_LocalnetRpc_PublishesItsUrlWithoutQueryOrUserInfo()
    {
        var settings = ExplorerSettings.Resolve(new ConsoleOptions(), new SolanaOptions { RpcUrl = "http://user:pw@127.0.0.1:8899/rpc?x=1" });

        Assert.Equal(("custom", "http://127.0.0.1:8899/rpc"), (settings.Cluster, settings.CustomUrl?.AbsoluteUri));
    }

    [Fact]
    public void Resolve_CustomUrlSet_PublishesItInsteadOfTheRpcUrl()
    {
        var console = new ConsoleOptions { Cluster = "custom", CustomUrl = new Uri("https://public-rpc.example.net/") };

        var settings = ExplorerSettings.Resolve(console, new SolanaOptions { RpcUrl = "https://rpc.provider.example/solana/SECRET" });

        Assert.Equal("https://public-rpc.example.net/", settings.CustomUrl?.AbsoluteUri);
    }

    [Theory]
    [InlineData("https://rpc.example.net/?api-key=SECRET")]
    [InlineData("https://user:SECRET@rpc.example.net/")]
    [InlineData("ftp://rpc.example.net/")]
    [InlineData("https://rpc.example.net/#SECRET")]
    public void Validate_CustomUrlWithQueryUserInfoOrNotHttp_FailsWithoutEchoingIt(string url)
    {
        var result = new ConsoleOptionsValidator().Validate(null, new ConsoleOptions { CustomUrl = new Uri(url) });

        Assert.True(result.Failed);
        Assert.Contains("Billing:Console:CustomUrl", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_PublicClusterOrOverride_PublishesNoUrl()
    {
        Assert.Null(ExplorerSettings.Resolve(new ConsoleOptions(), new SolanaOptions { RpcUrl = "https://api.devnet.solana.com" }).CustomUrl);
        var overridden = ExplorerSettings.Resolve(new ConsoleOptions { Cluster = "devnet" }, new SolanaOptions { RpcUrl = "https://rpc.example.net/?k=1" });
        Assert.Equal(("devnet", (Uri?)null), (overridden.Cluster, overridden.CustomUrl));
    }

    [Theory]
    [InlineData("mainnet", null)]
    [InlineData(null, "ftp://explorer.example")]
    public void Validate_BadSetting_NamesIt(string? cluster, string? explorer)
    {
        var options = new ConsoleOptions { Cluster = cluster };
        if (explorer is not null)
        {
            options.ExplorerUrl = new Uri(explorer);
        }

        var result = new ConsoleOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(cluster is null ? "Billing:Console:ExplorerUrl" : "Billing:Console:Cluster", result.FailureMessage, StringComparison.Ordinal);
    }
}

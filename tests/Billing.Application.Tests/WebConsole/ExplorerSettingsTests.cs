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

    [Fact]
    public void Resolve_CustomRpcWithKey_PublishesTheUrlWithoutQueryOrUserInfo()
    {
        var settings = ExplorerSettings.Resolve(new ConsoleOptions(), new SolanaOptions { RpcUrl = "https://user:pw@rpc.example.net:8443/solana?api-key=secret" });

        Assert.Equal("custom", settings.Cluster);
        Assert.Equal("https://rpc.example.net:8443/solana", settings.CustomUrl!.AbsoluteUri);
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

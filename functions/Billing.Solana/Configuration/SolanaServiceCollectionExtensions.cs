using Billing.Solana.Rpc;

namespace Billing.Solana.Configuration;

/// <summary>Composition of the chain access: <c>Billing:Solana</c> bound and validated at start, and one JSON-RPC client.</summary>
public static class SolanaServiceCollectionExtensions
{
    public static IServiceCollection AddSolana(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<SolanaOptions, SolanaOptionsValidator>(configuration, SolanaOptions.Section);
        services.TryAddSingleton<ISolanaRpcClient>(sp => CreateRpcClient(sp.GetRequiredService<IOptions<SolanaOptions>>().Value));
        return services;
    }

    /// <summary>The JSON-RPC client; locally the URL comes from the localnet's bootstrap file when not set.</summary>
    public static SolanaRpcClient CreateRpcClient(SolanaOptions solana)
    {
        ArgumentNullException.ThrowIfNull(solana);
        Uri? url = string.IsNullOrWhiteSpace(solana.RpcUrl) ? null : new Uri(solana.RpcUrl);
        if (url is null && !string.IsNullOrWhiteSpace(solana.LocalnetInfoFile) && File.Exists(solana.LocalnetInfoFile))
        {
            url = LocalnetBootstrap.Read(solana.LocalnetInfoFile).RpcUrl;
        }

        var options = new SolanaRpcOptions { RpcUrl = url ?? new Uri("http://127.0.0.1:8899") };
        return new SolanaRpcClient(new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, options, SolanaRpcResilience.CreatePipeline(options));
    }
}

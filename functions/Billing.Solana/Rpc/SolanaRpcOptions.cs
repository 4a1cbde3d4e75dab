namespace Billing.Solana.Rpc;

/// <summary>
/// Settings for <see cref="SolanaRpcClient"/>. Not bound from configuration: the app builds them from
/// <c>Billing:Solana:RpcUrl</c> (<see cref="Configuration.SolanaServiceCollectionExtensions.CreateRpcClient"/>) and keeps
/// the other defaults.
/// </summary>
public sealed class SolanaRpcOptions
{
    /// <summary>JSON-RPC endpoint; when null the HttpClient's BaseAddress is used.</summary>
    public Uri? RpcUrl { get; set; }

    /// <summary>Timeout for one HTTP attempt; a timed-out attempt is retried.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries after the first attempt for transport failures, timeouts, HTTP 429 and 5xx. 0 disables retries.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>First retry delay; later retries back off exponentially.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Randomise delays so many workers do not retry in lockstep; tests switch it off.</summary>
    public bool UseJitter { get; set; } = true;

    /// <summary>Commitment used when a call does not name one.</summary>
    public Commitment DefaultCommitment { get; set; } = Commitment.Confirmed;
}

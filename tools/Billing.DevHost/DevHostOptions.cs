namespace Billing.DevHost;

public sealed record DevHostOptions
{
    /// <summary>The built function app folder (host.json, function folders, the handler executable).</summary>
    public required string AppDirectory { get; init; }

    /// <summary>Port of the public HTTP endpoint; 0 picks a free one.</summary>
    public int Port { get; init; } = 7071;

    /// <summary>Port for the handler; 0 picks a free one.</summary>
    public int HandlerPort { get; init; }

    public int Partitions { get; init; } = 4;

    /// <summary>App settings, as local.settings.json Values: passed to the handler as environment and used for %Setting% binding expressions.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    public bool RunTimers { get; init; } = true;

    /// <summary>How a handler that keeps exiting is restarted (it always is, however often start-up fails).</summary>
    public RestartBackoff RestartBackoff { get; init; } = RestartBackoff.Default;

    /// <summary>
    /// When set, the hubs' partitions and the consumers' checkpoints are kept in files under this folder, so a DevHost
    /// restart redelivers every accepted event that was not checkpointed yet. Null: the hubs live in memory only.
    /// </summary>
    public string? DataDirectory { get; init; }

    /// <summary>How long an HTTP request waits for a restarting handler before it is answered 503.</summary>
    public TimeSpan UnavailableWait { get; init; } = TimeSpan.FromSeconds(5);

    public Action<string> Log { get; init; } = Console.WriteLine;
}

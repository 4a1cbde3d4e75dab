namespace Billing.Cli;

/// <summary>
/// Everything a command touches outside itself, so tests can capture output and stub the network:
/// <see cref="Console"/> for human output (tables, progress), <see cref="Out"/> for raw data (NDJSON, JSON, CSV)
/// that must never be wrapped or styled, <see cref="Error"/> for diagnostics.
/// </summary>
public sealed class CliContext
{
    public required IAnsiConsole Console { get; init; }

    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    /// <summary>Show live progress bars (false when output is redirected, and in tests).</summary>
    public bool Interactive { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Environment lookup (BILLING_URL, BILLING_API_KEY).</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>The HTTP stack; null uses a fresh <see cref="SocketsHttpHandler"/>.</summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    public Api.RetryPolicy Retry { get; init; } = new();

    /// <summary>How long pollers (demo) sleep between polls.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The real terminal.</summary>
    public static CliContext CreateDefault()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(System.Console.Out) });
        console.Profile.Width = TerminalWidth();
        return new CliContext
        {
            Console = console,
            Out = System.Console.Out,
            Error = System.Console.Error,
            Interactive = !System.Console.IsOutputRedirected && console.Profile.Capabilities.Interactive,
        };
    }

    /// <summary>Columns tables are laid out in: the terminal's width when output goes to a terminal, 80 when piped or redirected.</summary>
    public static int TerminalWidth()
    {
        const int Piped = 80;
        if (System.Console.IsOutputRedirected)
        {
            return Piped;
        }

        try
        {
            return System.Console.WindowWidth is > 0 and int width ? width : Piped;
        }
        catch (IOException)
        {
            return Piped;
        }
    }
}

using Billing.Cli;

namespace Billing.Cli.Tests;

/// <summary>Runs the real command tree in-process with captured output and instant retries.</summary>
public static class CliHarness
{
    public sealed record Result(int ExitCode, string Out, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\n--- out ---\n{Out}\n--- err ---\n{Error}";
    }

    public static async Task<Result> RunAsync(params string[] args) => await RunAsync(args, null).ConfigureAwait(false);

    /// <param name="args">The command line.</param>
    /// <param name="environment">Environment variables the CLI sees.</param>
    /// <param name="maxAttempts">Retry attempts per request.</param>
    /// <param name="width">Console width: 80 is what a pipe gets.</param>
    public static async Task<Result> RunAsync(string[] args, IReadOnlyDictionary<string, string>? environment, int maxAttempts = 5, int width = 400)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var console = Console(output, width);
        var context = new CliContext
        {
            Console = console,
            Out = output,
            Error = error,
            Interactive = false,
            Environment = name => environment is not null && environment.TryGetValue(name, out string? v) ? v : null,
            Retry = new RetryPolicy { MaxAttempts = maxAttempts, TimeProvider = new InstantTimeProvider() },
            PollInterval = TimeSpan.FromMilliseconds(200),
        };
        int code = await CliApp.RunAsync(args, context, CancellationToken.None).ConfigureAwait(false);
        return new Result(code, output.ToString(), error.ToString());
    }

    /// <summary>A plain console (no colours, no ANSI, not interactive) of <paramref name="width"/> columns writing to <paramref name="output"/>.</summary>
    public static IAnsiConsole Console(TextWriter output, int width)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = width;
        return console;
    }
}

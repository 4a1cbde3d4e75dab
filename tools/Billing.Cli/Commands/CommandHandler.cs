namespace Billing.Cli.Commands;

/// <summary>Runs a command body and maps its failures to an error line and an exit code.</summary>
internal static class CommandHandler
{
    public static void Handle(this Command command, CliContext context, Func<ParseResult, CancellationToken, Task<int>> body) =>
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                return await body(parse, ct).ConfigureAwait(false);
            }
            catch (UsageException ex)
            {
                await context.Error.WriteLineAsync("error: " + TerminalText.Visible(ex.Message)).ConfigureAwait(false);
                await context.Error.WriteLineAsync($"Run '{CommandPath(command)} --help' for usage and examples.").ConfigureAwait(false);
                return ExitCodes.Usage;
            }
            catch (ApiUnreachableException ex)
            {
                await context.Error.WriteLineAsync("error: " + TerminalText.Visible(ex.Message) + " (is the platform running? see --url / BILLING_URL)").ConfigureAwait(false);
                return ExitCodes.Unreachable;
            }
            catch (ApiException ex) when (ex.IsAuthFailure)
            {
                await context.Error.WriteLineAsync("error: the API refused the key: " + ex.Problem.Describe()).ConfigureAwait(false);
                return ExitCodes.Unreachable;
            }
            catch (ApiException ex)
            {
                await context.Error.WriteLineAsync("error: " + ex.Problem.Describe()).ConfigureAwait(false);
                return ExitCodes.Failed;
            }
            catch (OperationFailedException ex)
            {
                await context.Error.WriteLineAsync("error: " + TerminalText.Visible(ex.Message)).ConfigureAwait(false);
                return ExitCodes.Failed;
            }
            catch (IOException ex)
            {
                await context.Error.WriteLineAsync("error: " + TerminalText.Visible(ex.Message)).ConfigureAwait(false);
                return ExitCodes.Failed;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                await context.Error.WriteLineAsync("cancelled").ConfigureAwait(false);
                return ExitCodes.Failed;
            }
        });

    public static string CommandPath(Command command)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is Command c; s = s.Parents.FirstOrDefault())
        {
            names.Add(c is RootCommand ? "billing" : c.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }
}

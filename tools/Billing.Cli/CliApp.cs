using System.CommandLine.Help;
using Billing.Cli.Commands;

namespace Billing.Cli;

/// <summary>The <c>billing</c> command tree: thin System.CommandLine wiring over the testable classes.</summary>
public static class CliApp
{
    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var root = Build(context);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not (HelpAction or ExamplesHelpAction))
        {
            foreach (var error in parse.Errors)
            {
                await context.Error.WriteLineAsync("error: " + error.Message).ConfigureAwait(false);
            }

            await context.Error.WriteLineAsync($"Run '{CommandHandler.CommandPath(parse.CommandResult.Command)} --help' for usage and examples.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var config = new InvocationConfiguration { Output = context.Out, Error = context.Error, EnableDefaultExceptionHandler = false };
        return await parse.InvokeAsync(config, cancellationToken).ConfigureAwait(false);
    }

    public static RootCommand Build(CliContext context)
    {
        var url = new Option<string?>("--url") { Description = $"API base URL (env BILLING_URL; default {ApiEndpoint.DefaultUrl})", Recursive = true };
        var key = new Option<string?>("--key") { Description = "API key sent as X-Api-Key (env BILLING_API_KEY; against a loopback URL the local dev key for the command's role is the default)", Recursive = true };
        var g = new GlobalOptions(url, key);

        var root = new RootCommand(
            """
            billing: usage, invoices, payments and burns of the DePIN billing platform, over its HTTP API.

            Exit codes: 0 ok, 1 the operation failed, 2 usage error, 3 cannot reach the API / key refused.

            Examples:
              billing generate --seed 7 --out usage.ndjson
              billing send usage.ndjson
              billing usage --payer carrier-tmo --meter offload.bytes --window day
              billing periods close 2026-10
              billing demo --url http://127.0.0.1:7071
            """);
        root.Add(url);
        root.Add(key);
        root.Add(GenerateCommand.Create(context));
        root.Add(SendCommand.Create(context, g));
        root.Add(UsageCommand.Create(context, g));
        root.Add(PeriodsCommands.Create(context, g));
        root.Add(InvoicesCommands.Create(context, g));
        root.Add(BurnsCommand.Create(context, g));
        root.Add(LedgerCommands.Create(context, g));
        root.Add(RollupsCommands.Create(context, g));
        root.Add(QuarantineCommands.Create(context, g));
        root.Add(PartnersCommands.Create(context, g));
        root.Add(PayCommand.Create(context, g));
        root.Add(DemoCommand.Create(context, g));

        // "Examples:" paragraphs go after the generated help rather than into every parent's command list.
        var examples = new Dictionary<Command, string>();
        MoveExamples(root, examples);
        var help = root.Options.OfType<HelpOption>().First();
        help.Action = new ExamplesHelpAction((HelpAction)help.Action!, examples);
        return root;
    }

    private static void MoveExamples(Command command, Dictionary<Command, string> examples)
    {
        const string Marker = "Examples:";
        if (command.Description is { } d && d.IndexOf(Marker, StringComparison.Ordinal) is int at and >= 0)
        {
            command.Description = d[..at].TrimEnd();
            examples[command] = d[at..].TrimEnd();
        }

        foreach (var sub in command.Subcommands)
        {
            MoveExamples(sub, examples);
        }
    }

    private sealed class ExamplesHelpAction(HelpAction inner, Dictionary<Command, string> examples) : System.CommandLine.Invocation.SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            int result = inner.Invoke(parseResult);
            if (examples.TryGetValue(parseResult.CommandResult.Command, out string? text))
            {
                var output = parseResult.InvocationConfiguration.Output;
                output.WriteLine(text);
                output.WriteLine();
            }

            return result;
        }
    }
}

using System.Text.Json.Nodes;
using Spectre.Console;

namespace Billing.Cli.Commands;

/// <summary>What the read commands print: the API's JSON as is with <c>--json</c>, otherwise a table.</summary>
internal static class JsonOutput
{
    public static Option<bool> Option() => new("--json") { Description = "print the API's JSON instead of a table" };

    public static async Task<int> PrintAsync(CliContext context, bool json, JsonNode? body, Action<IAnsiConsole> table)
    {
        if (json)
        {
            await context.Out.WriteLineAsync(Json.Pretty(body)).ConfigureAwait(false);
        }
        else
        {
            table(context.Console);
        }

        return ExitCodes.Ok;
    }
}

namespace Billing.Cli.Commands;

/// <summary>What the read commands print: the API's JSON as is with <c>--json</c>, otherwise a table.</summary>
internal static class JsonOutput
{
    /// <summary>Adds <c>--json</c> to <paramref name="command"/> (after the options added so far, as help lists them) and returns it.</summary>
    public static Option<bool> AddTo(Command command)
    {
        var json = new Option<bool>("--json") { Description = "print the API's JSON instead of a table" };
        command.Add(json);
        return json;
    }

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

namespace Billing.Cli.Commands;

/// <summary>The options every command inherits: where the API is (<c>--url</c>) and which key to send (<c>--key</c>).</summary>
internal sealed record GlobalOptions(Option<string?> Url, Option<string?> Key)
{
    public ApiEndpoint Endpoint(ParseResult parse, CliContext context) =>
        ApiEndpoint.Resolve(parse.GetValue(Url), parse.GetValue(Key), context.Environment);
}

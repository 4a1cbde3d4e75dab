namespace Billing.Cli.Commands;

/// <summary><c>billing rollups verify|rebuild</c>: compare a payer's usage rollups of a month with its facts, or repair them.</summary>
internal static class RollupsCommands
{
    public static Command Create(CliContext context, GlobalOptions g) =>
        new("rollups", "Usage rollups (exact pre-aggregated sums; facts are the source of truth).")
        {
            Run(context, g, "verify", HttpMethod.Get,
                """
                Compare a payer's rollups of a month with a recomputation from its facts (GET /api/v1/rollups/verify).
                Exit 1 and the differences when they differ.

                Example:
                  billing rollups verify --payer carrier-tmo --month 2026-10
                """),
            Run(context, g, "rebuild", HttpMethod.Post,
                """
                Recompute a payer's rollups of a month from its facts and replace what differs (POST /api/v1/rollups/rebuild).
                Idempotent and safe while metering runs.

                Example:
                  billing rollups rebuild --payer carrier-tmo --month 2026-10
                """),
        };

    private static Command Run(CliContext context, GlobalOptions g, string name, HttpMethod method, string description)
    {
        var command = new Command(name, description);
        var payer = new Option<string>("--payer") { Description = "the payer (partner id)", Required = true };
        var month = new Option<string>("--month") { Description = "month, yyyy-MM", Required = true };
        command.Add(payer);
        command.Add(month);
        var json = JsonOutput.AddTo(command);
        command.Handle(context, async (p, ct) =>
        {
            string m = ArgumentChecks.ParseMonth(p.GetValue(month) ?? "", "--month").ToString("yyyy-MM", CultureInfo.InvariantCulture);
            string path = $"/api/v1/rollups/{name}?payer={Uri.EscapeDataString(p.GetValue(payer) ?? "")}&month={m}";
            using var api = ApiSession.Open(g.Endpoint(p, context), context);
            var body = (await api.Api.SendOkAsync(new ApiRequest(method, path, api.FinanceKey), ct).ConfigureAwait(false)).Json();
            bool ok = name != "verify" || body?["ok"]?.GetValue<bool>() == true;
            if (p.GetValue(json))
            {
                await context.Out.WriteLineAsync(Json.Pretty(body)).ConfigureAwait(false);
            }
            else
            {
                await context.Out.WriteLineAsync(Summary(name, body, ok)).ConfigureAwait(false);
                foreach (var d in body?["differences"]?.AsArray() ?? [])
                {
                    await context.Out.WriteLineAsync($"  shard {d?["shard"]} {d?["rowKey"]}: {d?["kind"]} ({d?["detail"]})").ConfigureAwait(false);
                }
            }

            return ok ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    private static string Summary(string name, JsonNode? body, bool ok) => name == "verify"
        ? $"rollups verify {body?["payer"]} {body?["month"]}: {(ok ? "ok" : "DIFFERENT")} ({body?["facts"]} facts, {body?["buckets"]} buckets, {body?["differences"]?.AsArray().Count ?? 0} difference(s))"
        : $"rollups rebuild {body?["payer"]} {body?["month"]}: {body?["rowsChanged"]} row(s) changed ({body?["facts"]} facts, {body?["buckets"]} buckets)";
}

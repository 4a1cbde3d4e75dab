using Billing.Contracts.Rollups;

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
                Exit 1 and the differences when they differ. Rows metering rewrote during every check are listed as
                unsettled (not a difference: verify again once they are no longer metered into).

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
            var verified = name == "verify" ? ApiResponseReader.RollupVerification(body) : null;
            bool ok = verified is null || verified.Ok;
            if (p.GetValue(json))
            {
                await context.Out.WriteLineAsync(Json.Pretty(body)).ConfigureAwait(false);
                return ok ? ExitCodes.Ok : ExitCodes.Failed;
            }

            if (verified is null)
            {
                var r = ApiResponseReader.RollupRebuild(body);
                string late = r.MarkedLate ? "; the month is marked as late usage: the next close bills what its invoices got wrong" : "";
                await context.Out.WriteLineAsync(TerminalText.Visible($"rollups rebuild {r.Payer} {r.Month}: {r.RowsChanged} row(s) changed ({r.Facts} facts, {r.Buckets} buckets){late}")).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            // An answer without the list (a platform before it) has none to show.
            IReadOnlyList<RollupUnsettledView> unsettled = verified.Unsettled is { } u ? u : [];
            string letGo = unsettled.Count > 0 ? $", {unsettled.Count} unsettled" : "";
            await context.Out.WriteLineAsync(
                $"rollups verify {verified.Payer} {verified.Month}: {(ok ? "ok" : "DIFFERENT")} ({verified.Facts} facts, {verified.Buckets} buckets, {verified.Differences.Count} difference(s){letGo})").ConfigureAwait(false);
            foreach (var d in verified.Differences)
            {
                await context.Out.WriteLineAsync(TerminalText.Visible($"  shard {d.Shard} {d.RowKey}: {d.Kind} ({d.Detail})")).ConfigureAwait(false);
            }

            foreach (var r in unsettled)
            {
                await context.Out.WriteLineAsync(TerminalText.Visible($"  shard {r.Shard} {r.RowKey}: unsettled (metering rewrote it during every check; verify again once it is no longer metered into)")).ConfigureAwait(false);
            }

            return ok ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }
}

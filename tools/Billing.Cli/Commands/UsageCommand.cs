namespace Billing.Cli.Commands;

/// <summary><c>billing usage</c>: query metered usage.</summary>
internal static class UsageCommand
{
    public static Command Create(CliContext context, GlobalOptions g)
    {
        var cmd = new Command("usage",
            """
            Query metered usage (GET /api/v1/usage) as a table, or the API's JSON with --json.
            Meters: offload.bytes, offload.sessions (dimensions hotspot, rat), compute.gpu_seconds (gpuModel, lease, provider).

            Examples:
              billing usage --payer carrier-tmo --meter offload.bytes --from 2026-10-01 --to 2026-11-01 --window day
              billing usage --payer tenant-lab --meter compute.gpu_seconds --window month --group-by gpuModel
              billing usage --payer carrier-tmo --group-by hotspot --group-by rat --json
            """);
        var payer = new Option<string?>("--payer") { Description = "payer id (partners default to themselves)" };
        var meter = new Option<string?>("--meter") { Description = "meter name" };
        var from = new Option<string?>("--from") { Description = "start, RFC 3339 or yyyy-MM-dd (default: start of this month)" };
        var to = new Option<string?>("--to") { Description = "end (exclusive), RFC 3339 or yyyy-MM-dd (default: end of this month)" };
        var window = new Option<string?>("--window") { Description = "hour, day or month (default day)" };
        window.AcceptOnlyFromAmong("hour", "day", "month");
        var groupBy = new Option<string[]>("--group-by") { Description = "dimension to group by (repeatable or comma-separated)" };
        foreach (var o in new Option[] { payer, meter, from, to, window, groupBy })
        {
            cmd.Add(o);
        }

        var json = JsonOutput.AddTo(cmd);

        cmd.Handle(context, async (p, ct) =>
        {
            var endpoint = g.Endpoint(p, context);
            var query = new List<string>();
            void Add(string name, string? value)
            {
                if (!string.IsNullOrWhiteSpace(value))
                {
                    query.Add(name + "=" + Uri.EscapeDataString(value));
                }
            }

            Add("payer", p.GetValue(payer));
            Add("meter", p.GetValue(meter));
            Add("from", p.GetValue(from));
            Add("to", p.GetValue(to));
            Add("window", p.GetValue(window));
            Add("groupBy", string.Join(',', (p.GetValue(groupBy) ?? []).SelectMany(x => x.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))));
            using var api = ApiSession.Open(endpoint, context);
            string path = "/api/v1/usage" + (query.Count > 0 ? "?" + string.Join('&', query) : "");
            var body = await api.GetJsonAsync(path, ct).ConfigureAwait(false);
            return await JsonOutput.PrintAsync(context, p.GetValue(json), body, console => Renderers.Usage(console, ApiResponseReader.Usage(body))).ConfigureAwait(false);
        });
        return cmd;
    }
}

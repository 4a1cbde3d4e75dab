namespace Billing.Cli.Commands;

/// <summary><c>billing quarantine list|show|replay</c>: the events metering set aside, why, and putting them back through metering.</summary>
internal static class QuarantineCommands
{
    public static Command Create(CliContext context, GlobalOptions g) =>
        new("quarantine", "Events metering set aside (invalid, conflicting, malformed, unstorable), with the reasons.") { List(context, g), Show(context, g), QuarantineReplayCommand.Create(context, g) };

    private static Command List(CliContext context, GlobalOptions g)
    {
        var command = new Command("list",
            """
            List quarantined events a page at a time (GET /api/v1/quarantine): kind (with the outcome of its replay record,
            when it has one), source, event id, when, first reason. A partner's key lists its own events; the finance key
            every source's, or one's with --source. --replayed lists only events replayed at least once, --not-replayed
            only those never replayed.

            Examples:
              billing quarantine list
              billing quarantine list --source carrier-tmo --kind conflict --from 2026-10-01
              billing quarantine list --kind invalid --not-replayed
              billing quarantine list --key $CARRIER_KEY --limit 20
            """);
        var source = new Option<string?>("--source") { Description = "only events of this source (partner id)" };
        var kind = new Option<string?>("--kind") { Description = "invalid, conflict, malformed, unstorable or overlap" };
        kind.AcceptOnlyFromAmong("invalid", "conflict", "malformed", "unstorable", "overlap");
        var from = new Option<string?>("--from") { Description = "quarantined at or after, RFC 3339 or yyyy-MM-dd" };
        var to = new Option<string?>("--to") { Description = "quarantined before, RFC 3339 or yyyy-MM-dd" };
        var limit = new Option<int?>("--limit") { Description = "events a page, 1 to 1000 (default 100)" };
        var after = new Option<string?>("--after") { Description = "the next page: the value the previous page printed" };
        var replayed = new Option<bool>("--replayed") { Description = "only events with a replay record (replayed at least once)" };
        var notReplayed = new Option<bool>("--not-replayed") { Description = "only events never replayed" };
        foreach (var o in new Option[] { source, kind, from, to, replayed, notReplayed, limit, after })
        {
            command.Add(o);
        }

        var json = JsonOutput.AddTo(command);
        command.Handle(context, async (p, ct) =>
        {
            if (p.GetValue(replayed) && p.GetValue(notReplayed))
            {
                throw new UsageException("give --replayed or --not-replayed, not both");
            }

            string? replayedValue = p.GetValue(replayed) ? "true" : p.GetValue(notReplayed) ? "false" : null;
            var query = new List<string>();
            foreach (var (name, value) in new[] { ("source", p.GetValue(source)), ("kind", p.GetValue(kind)), ("from", p.GetValue(from)), ("to", p.GetValue(to)), ("replayed", replayedValue), ("limit", p.GetValue(limit)?.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("after", p.GetValue(after)) })
            {
                if (!string.IsNullOrWhiteSpace(value))
                {
                    query.Add(name + "=" + Uri.EscapeDataString(value));
                }
            }

            using var api = ApiSession.Open(g.Endpoint(p, context), context);
            var body = await api.GetJsonAsync("/api/v1/quarantine" + (query.Count > 0 ? "?" + string.Join('&', query) : ""), ct).ConfigureAwait(false);
            return await JsonOutput.PrintAsync(context, p.GetValue(json), body, console => QuarantineRenderers.List(console, ApiResponseReader.QuarantineList(body))).ConfigureAwait(false);
        });
        return command;
    }

    private static Command Show(CliContext context, GlobalOptions g)
    {
        var command = new Command("show",
            """
            One quarantined event with its reasons, its replays (the record that stands and the last 20, oldest first) and
            its payload exactly as received; for a conflict, also the version metered first (GET /api/v1/quarantine/{id}).

            Examples:
              billing quarantine show Y2Fycmllci10bW8.3f0c…
            """);
        var id = new Argument<string>("id") { Description = "the event's id, as quarantine list prints it" };
        command.Add(id);
        var json = JsonOutput.AddTo(command);
        command.Handle(context, async (p, ct) =>
        {
            using var api = ApiSession.Open(g.Endpoint(p, context), context);
            var body = await api.GetJsonAsync("/api/v1/quarantine/" + Uri.EscapeDataString(p.GetValue(id) ?? ""), ct).ConfigureAwait(false);
            return await JsonOutput.PrintAsync(context, p.GetValue(json), body, console => QuarantineRenderers.Event(console, ApiResponseReader.QuarantinedEvent(body))).ConfigureAwait(false);
        });
        return command;
    }
}

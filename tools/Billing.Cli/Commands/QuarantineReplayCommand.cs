namespace Billing.Cli.Commands;

/// <summary>
/// <c>billing quarantine replay &lt;id&gt; | --source … --kind … [--dry-run]</c>: put quarantined events back through metering
/// (POST /api/v1/quarantine/{id}/replay), one or every one a filter selects that is not counted yet and not a conflict.
/// </summary>
internal static class QuarantineReplayCommand
{
    public static Command Create(CliContext context, GlobalOptions g)
    {
        var command = new Command("replay",
            """
            Put quarantined events back through metering once the cause is fixed (a partner or plan configured late, a
            storage fault repaired): the stored payload, byte for byte, meets the validation and dedup of a fresh event
            (POST /api/v1/quarantine/{id}/replay, finance key). An event counts at most once however often it is replayed;
            a conflict is never replayed (its first version counts). Prints what happened to each: metered, duplicate
            (already counted), still invalid/malformed/unstorable with the reasons, or refused. Exit 1 unless every
            replayed event counts.
            With --source and/or --kind instead of an id: every such event not counted yet (conflicts left out).

            Examples:
              billing quarantine replay Y2Fycmllci10bW8.3f0c…
              billing quarantine replay --source carrier-new --dry-run
              billing quarantine replay --kind unstorable
            """);
        var id = new Argument<string?>("id") { Description = "the event's id, as quarantine list prints it", Arity = ArgumentArity.ZeroOrOne };
        var source = new Option<string?>("--source") { Description = "without an id: the events of this source (partner id)" };
        var kind = new Option<string?>("--kind") { Description = "without an id: invalid, malformed, unstorable or overlap" };
        kind.AcceptOnlyFromAmong("invalid", "malformed", "unstorable", "overlap");
        var dryRun = new Option<bool>("--dry-run") { Description = "list what would be replayed; replay nothing" };
        command.Add(id);
        command.Add(source);
        command.Add(kind);
        command.Add(dryRun);
        var json = JsonOutput.AddTo(command);
        command.Handle(context, async (p, ct) =>
        {
            string? one = p.GetValue(id);
            string? bySource = p.GetValue(source);
            string? byKind = p.GetValue(kind);
            if ((one is null) == (bySource is null && byKind is null))
            {
                throw new UsageException("give either an event id or --source and/or --kind");
            }

            using var api = ApiSession.Open(g.Endpoint(p, context), context);
            var ids = one is not null ? [one] : await SelectAsync(api, bySource, byKind, ct).ConfigureAwait(false);
            if (p.GetValue(dryRun))
            {
                await context.Out.WriteLineAsync($"would replay {ids.Count} event(s):").ConfigureAwait(false);
                foreach (string e in ids)
                {
                    await context.Out.WriteLineAsync("  " + TerminalText.Visible(e)).ConfigureAwait(false);
                }

                return ExitCodes.Ok;
            }

            int counted = 0;
            foreach (string e in ids)
            {
                counted += await ReplayAsync(context, api, e, p.GetValue(json), ct).ConfigureAwait(false) ? 1 : 0;
            }

            if (one is null)
            {
                await context.Out.WriteLineAsync($"{ids.Count} replayed: {counted} counted, {ids.Count - counted} not").ConfigureAwait(false);
            }

            return counted == ids.Count ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    /// <summary>The ids of every event the filter lists that a replay could still count: not counted yet, not a conflict.</summary>
    private static async Task<List<string>> SelectAsync(ApiSession api, string? source, string? kind, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        string? after = null;
        do
        {
            string query = "limit=1000" + (source is null ? "" : "&source=" + Uri.EscapeDataString(source)) + (kind is null ? "" : "&kind=" + kind)
                + (after is null ? "" : "&after=" + Uri.EscapeDataString(after));
            var page = ApiResponseReader.QuarantineList(await api.GetJsonAsync("/api/v1/quarantine?" + query, cancellationToken).ConfigureAwait(false));
            ids.AddRange(page.Events.Where(e => e.Kind is "invalid" or "malformed" or "unstorable" or "overlap" && e.Replay?.Outcome is not ("metered" or "duplicate")).Select(e => e.Id));
            after = page.Next;
        }
        while (after is not null);
        return ids;
    }

    /// <summary>Replays one event and prints the outcome; true when the event counts (metered now or before).</summary>
    private static async Task<bool> ReplayAsync(CliContext context, ApiSession api, string id, bool json, CancellationToken cancellationToken)
    {
        var response = await api.Api.SendAsync(new ApiRequest(HttpMethod.Post, "/api/v1/quarantine/" + Uri.EscapeDataString(id) + "/replay", api.FinanceKey), cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess && response.Status is not (409 or 422))
        {
            throw new ApiException(response.Problem()); // no key, another role, an unknown id, storage still failing after the retries
        }

        if (json)
        {
            await context.Out.WriteLineAsync(Json.Pretty(response.Json())).ConfigureAwait(false);
            return response.IsSuccess;
        }

        if (response.IsSuccess)
        {
            var answer = ApiResponseReader.QuarantineReplay(response.Json());
            await context.Out.WriteLineAsync(TerminalText.Visible($"{answer.Outcome}: {answer.Event.EventId} from {answer.Event.Source} ({answer.Detail})")).ConfigureAwait(false);
            return true;
        }

        var problem = response.Problem();
        string outcome = problem.Body?.Extensions?.TryGetValue("outcome", out var o) == true ? o.ToString() : response.Status.ToString(CultureInfo.InvariantCulture);
        await context.Out.WriteLineAsync($"{TerminalText.Visible(outcome)}: {TerminalText.Visible(id)}: {TerminalText.Visible(problem.Title)} ({TerminalText.Visible(problem.Detail)})").ConfigureAwait(false);
        foreach (var (field, reason) in problem.Errors)
        {
            await context.Out.WriteLineAsync($"  {TerminalText.Visible(field)}: {TerminalText.Visible(reason)}").ConfigureAwait(false);
        }

        return false;
    }
}

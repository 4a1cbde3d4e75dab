using static Billing.Cli.Rendering.TerminalText;

namespace Billing.Cli.Rendering;

/// <summary>
/// Quarantined events: a page as a table, one event with its payloads. What a partner sent is printed with its control
/// characters spelled out (<c>\u001B</c>): an event set aside for being malformed must not drive the reader's terminal.
/// </summary>
public static class QuarantineRenderers
{
    public static void List(IAnsiConsole console, QuarantineListResponse page)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(page);
        var table = new FittedTable()
            .Column("kind").Column("source", shorten: v => Ids.Abbreviate(v, 12), dropOrder: 2).Column("event id", shorten: v => Ids.Abbreviate(v, 10))
            .Column("quarantined", dropOrder: 3).Column("reason", shorten: v => v is { Length: > 60 } ? v[..57] + "..." : v);
        foreach (var e in page.Events)
        {
            // Set aside more than once: the count beside the kind, which the table never drops (the time shown is the first).
            string kind = (e.Replay is { } replay ? $"{e.Kind} ({replay.Outcome})" : e.Kind) + (e.Deliveries > 1 ? $", {e.Deliveries} deliveries" : ""); // a cell: spelled out
            table.Row(kind, Visible(e.Source), Visible(e.EventId), e.QuarantinedAt?.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture), Visible(e.Reasons.Count > 0 ? e.Reasons[0] : e.Unstored));
        }

        console.Write(table.Build(console.Profile.Width));
        console.WriteLine(Visible($"{page.Events.Count} quarantined event(s){(page.Next is null ? "" : "; more with --after " + page.Next)}"));
        foreach (var e in page.Events)
        {
            console.WriteLine(Visible($"id of {e.Kind} {e.EventId}:"));
            Renderers.FullValue(console, e.Id);
        }
    }

    public static void Event(IAnsiConsole console, QuarantinedEventResponse detail)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(detail);
        var e = detail.Event;
        console.WriteLine(Visible($"{e.Kind} event {e.EventId} from {e.Source ?? "(unknown source)"}, quarantined {e.QuarantinedAt?.ToString("O", CultureInfo.InvariantCulture)}"));
        console.WriteLine($"hub {Visible(e.Hub)}, partition {Visible(e.PartitionId)}, sequence number {e.SequenceNumber}, enqueued {e.EnqueuedTime?.ToString("O", CultureInfo.InvariantCulture)}");
        foreach (string reason in e.Reasons)
        {
            console.WriteLine("reason: " + Visible(reason));
        }

        // What is above is the first delivery's; a redelivery only counts itself.
        if (e.Deliveries > 1)
        {
            console.WriteLine($"set aside {e.Deliveries} times, last {e.LastSeenAt?.ToString("O", CultureInfo.InvariantCulture)} (partition {Visible(e.LastPartitionId)}, sequence number {e.LastSequenceNumber})");
        }

        foreach (string reason in e.LatestReasons ?? [])
        {
            console.WriteLine($"latest reason ({e.LatestReasonsAt?.ToString("O", CultureInfo.InvariantCulture)}): {Visible(reason)}");
        }

        if (e.Replay is { } replay)
        {
            console.WriteLine(Visible($"replay record: {replay.Outcome}, {replay.At.ToString("O", CultureInfo.InvariantCulture)} by {replay.By}"));
        }

        foreach (var r in e.Replays ?? [])
        {
            console.WriteLine(Visible($"replayed {r.At.ToString("O", CultureInfo.InvariantCulture)} by {r.By}: {r.Outcome}"));
        }

        if (e.Unstored is not null)
        {
            console.WriteLine($"the payload could not be stored ({Visible(e.Unstored)}); its SHA-256 {e.RawSha256}, {e.RawLength} characters");
        }

        Payload(console, "payload", detail.Raw);
        Payload(console, "metered first (the version this one conflicts with)", detail.ExistingRaw);
    }

    private static void Payload(IAnsiConsole console, string title, string? raw)
    {
        if (raw is not null)
        {
            console.WriteLine(title + ":");
            Renderers.FullValue(console, raw, lines: true);
        }
    }
}

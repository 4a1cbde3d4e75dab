namespace Billing.Cli.Commands;

/// <summary><c>billing generate</c>: deterministic sample usage as NDJSON.</summary>
internal static class GenerateCommand
{
    public static Command Create(CliContext context)
    {
        var cmd = new Command("generate",
            """
            Write realistic, deterministic sample usage as NDJSON (one CloudEvent per line): carrier offload sessions
            (diurnal curve, RAT mix wlan/cbrs/nr, heavy-tailed sizes) and hourly GPU lease intervals; with --network also
            the declarative networks (bandwidth, mapping, render, inference; tenants tenant-scraper, tenant-fleet,
            tenant-studio, tenant-ai, posted by provider-grass, -mapper, -render, -inference). Event times lie in
            the window the API accepts: [max(month start, now - 34 d), min(month end, now - 10 min)).
            Same --seed and --now give byte-identical output.

            Examples:
              billing generate --out usage.ndjson
              billing generate --seed 2 --month 2026-10 --now 2026-11-03T12:00:00Z --sessions 500
              billing generate --carrier carrier-tmo --hotspots 20 --leases 3 --duplicates 0.05 --late 10 > usage.ndjson
              billing generate --network all --network-events 500 --out usage.ndjson
              billing generate --sessions 0 --leases 0 --network mapping > mapping.ndjson
            """);
        var seed = new Option<int>("--seed") { Description = "random seed", DefaultValueFactory = _ => 1 };
        var now = new Option<string?>("--now") { Description = "generate as of this instant (RFC 3339; default: now)" };
        var month = new Option<string?>("--month") { Description = "month yyyy-MM (default: the month before --now)" };
        var carriers = new Option<string[]>("--carrier") { Description = "carrier partner id (repeatable)", DefaultValueFactory = _ => ["carrier-tmo"] };
        var hotspots = new Option<int>("--hotspots") { Description = "hotspots per carrier", DefaultValueFactory = _ => 50 };
        var sessions = new Option<int>("--sessions") { Description = "sessions per carrier", DefaultValueFactory = _ => 2000 };
        var provider = new Option<string>("--provider") { Description = "compute provider id", DefaultValueFactory = _ => "provider-nodeops" };
        var tenants = new Option<string[]>("--tenant") { Description = "compute tenant id (repeatable)", DefaultValueFactory = _ => ["tenant-lab"] };
        var leases = new Option<int>("--leases") { Description = "GPU leases (H100/A100/L40S/RTX4090, 1-8 GPUs, hourly intervals)", DefaultValueFactory = _ => 6 };
        var duplicates = new Option<decimal>("--duplicates") { Description = "fraction 0-1 of events re-emitted as exact copies" };
        var late = new Option<int>("--late") { Description = "extra sessions at the end of the file with early timestamps" };
        var networks = new Option<string[]>("--network") { Description = "also a declarative network: bandwidth, mapping, render, inference or all (repeatable)" };
        var networkEvents = new Option<int>("--network-events") { Description = "events per --network", DefaultValueFactory = _ => 200 };
        var output = new Option<string?>("--out", "-o") { Description = "output file (default: stdout)" };
        foreach (var o in new Option[] { seed, now, month, carriers, hotspots, sessions, provider, tenants, leases, networks, networkEvents, duplicates, late, output })
        {
            cmd.Add(o);
        }

        cmd.Handle(context, async (p, ct) =>
        {
            var at = p.GetValue(now) is { } n ? ArgumentChecks.ParseInstant(n, "--now") : context.Time.GetUtcNow();
            DateOnly? m = p.GetValue(month) is { } ms ? ArgumentChecks.ParseMonth(ms, "--month") : null;
            ArgumentChecks.Require(p.GetValue(hotspots) >= 1, "--hotspots must be at least 1");
            ArgumentChecks.Require(p.GetValue(sessions) >= 0, "--sessions must not be negative");
            ArgumentChecks.Require(p.GetValue(leases) >= 0, "--leases must not be negative");
            ArgumentChecks.Require(p.GetValue(networkEvents) >= 0, "--network-events must not be negative");
            ArgumentChecks.Require(p.GetValue(late) >= 0, "--late must not be negative");
            ArgumentChecks.Require(p.GetValue(duplicates) is >= 0 and <= 1, "--duplicates must be a fraction between 0 and 1");
            var data = SampleDataGenerator.Generate(new GeneratorOptions
            {
                Seed = p.GetValue(seed),
                Now = at,
                Month = m,
                Carriers = p.GetValue(carriers) ?? [],
                Hotspots = p.GetValue(hotspots),
                Sessions = p.GetValue(sessions),
                Provider = p.GetValue(provider) ?? "provider-nodeops",
                Tenants = p.GetValue(tenants) ?? [],
                Leases = p.GetValue(leases),
                Networks = SampleNetwork.Parse(p.GetValue(networks) ?? []),
                NetworkEvents = p.GetValue(networkEvents),
                Duplicates = p.GetValue(duplicates),
                Late = p.GetValue(late),
            });
            string networkCounts = string.Concat(data.NetworkEvents.Select(n => $"{n.Events} {n.Network.Noun}, "));
            string summary = $"generated {data.Lines.Count} events: {data.CarrierEvents} carrier sessions, {data.ComputeEvents} GPU intervals, {networkCounts}" +
                $"{data.DuplicateEvents} duplicates, {data.LateEvents} late; times in [{SampleDataGenerator.Format(data.WindowStart)}, {SampleDataGenerator.Format(data.WindowEnd)})";
            if (p.GetValue(output) is { } path)
            {
                await using (var writer = new StreamWriter(path, append: false, new UTF8Encoding(false)))
                {
                    await SampleDataGenerator.WriteAsync(data, writer, ct).ConfigureAwait(false);
                }

                context.Console.WriteLine($"{summary} → {path}");
            }
            else
            {
                await SampleDataGenerator.WriteAsync(data, context.Out, ct).ConfigureAwait(false);
                await context.Error.WriteLineAsync(summary).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return cmd;
    }
}

namespace Billing.Cli.Commands;

/// <summary><c>billing send</c>: post usage event files in batches.</summary>
internal static class SendCommand
{
    public static Command Create(CliContext context, GlobalOptions g)
    {
        var cmd = new Command("send",
            """
            Post usage events to POST /api/v1/usage in batches. Files are NDJSON (one event per line) or one JSON
            event/array. Lines that are not valid JSON are reported by file and line and skipped; the rest is sent.
            Carrier and compute events go with --carrier-key / --provider-key (or --key for all); against a loopback URL
            the local dev keys are the default. Exit 1 if any event was rejected or any line unparseable.

            Examples:
              billing send usage.ndjson
              billing send a.ndjson b.json --batch 200
              billing send usage.ndjson --url https://billing.example.net --carrier-key $CARRIER_KEY --provider-key $PROVIDER_KEY
            """);
        var files = new Argument<string[]>("file") { Description = "NDJSON or JSON files", Arity = ArgumentArity.OneOrMore };
        var batch = new Option<int>("--batch") { Description = "events per request (at most 1000; requests stay under 1 MiB)", DefaultValueFactory = _ => 500 };
        var carrierKey = new Option<string?>("--carrier-key") { Description = $"key for {SampleDataGenerator.CarrierType} events" };
        var providerKey = new Option<string?>("--provider-key") { Description = $"key for {SampleDataGenerator.ComputeType} events" };
        cmd.Add(files);
        cmd.Add(batch);
        cmd.Add(carrierKey);
        cmd.Add(providerKey);
        cmd.Handle(context, async (p, ct) =>
        {
            int batchSize = p.GetValue(batch);
            ArgumentChecks.Require(batchSize is >= 1 and <= 1000, "--batch must be between 1 and 1000");
            var endpoint = g.Endpoint(p, context);
            var keys = new SendKeys(
                p.GetValue(carrierKey) ?? endpoint.KeyOr(ApiEndpoint.DevCarrierKey),
                p.GetValue(providerKey) ?? endpoint.KeyOr(ApiEndpoint.DevProviderKey),
                endpoint.Key);

            var events = new List<SourceEvent>();
            var bad = new List<BadLine>();
            foreach (string file in p.GetValue(files) ?? [])
            {
                if (!File.Exists(file))
                {
                    throw new UsageException($"file not found: {file}");
                }

                var (e, b) = EventFileReader.Read(file, await File.ReadAllTextAsync(file, ct).ConfigureAwait(false));
                events.AddRange(e);
                bad.AddRange(b);
            }

            foreach (var b in bad)
            {
                await context.Error.WriteLineAsync($"{b.File}:{b.Line}: skipped: {b.Reason}").ConfigureAwait(false);
            }

            using var api = ApiSession.Open(endpoint, context);
            var sender = new UsageSender(api.Api, keys, new SendOptions { BatchSize = batchSize });
            SendReport report;
            if (context.Interactive && events.Count > 0)
            {
                report = await context.Console.Progress().StartAsync(async progress =>
                {
                    var task = progress.AddTask("sending events", maxValue: events.Count);
                    return await sender.SendAsync(events, new Progress(n => task.Increment(n)), ct).ConfigureAwait(false);
                }).ConfigureAwait(false);
            }
            else
            {
                report = await sender.SendAsync(events, null, ct).ConfigureAwait(false);
            }

            report.Unparseable.AddRange(bad);
            Renderers.SendSummary(context.Console, report);
            return report.ExitCode;
        });
        return cmd;
    }

    private sealed class Progress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}

namespace Billing.Cli.Demo;

/// <summary>What the networks step did: the networks whose usage was sent, or why the demo must fail.</summary>
public sealed record NetworksOutcome(IReadOnlyList<SampleNetwork> Sent, string? Failure);

/// <summary>
/// The demo's step for the declarative networks: each network's sample usage for the month, posted with its provider's
/// key, then a wait until metering has caught up. A network runs only if the platform knows it: its first event is
/// sent alone, and "unknown event type" (a build without the definition) or a refused key (partners not registered)
/// skips that network with the reason instead of failing the demo.
/// </summary>
internal sealed class NetworksDemo(ApiClient api, CliContext context, DemoOptions options)
{
    public async Task<NetworksOutcome> SendAsync(DateTimeOffset now, DateOnly month, CancellationToken cancellationToken)
    {
        var sent = new List<SampleNetwork>();
        var targets = new List<MeterTarget>();
        foreach (var network in options.Networks)
        {
            if (!options.NetworkKeys.TryGetValue(network.Name, out string? key))
            {
                context.Console.WriteLine($"{network.Name}: skipped: no key for {network.Provider} (not loopback)");
                continue;
            }

            var data = SampleDataGenerator.Generate(new GeneratorOptions
            {
                Seed = options.Seed,
                Now = now,
                Month = month,
                Carriers = [],
                Sessions = 0,
                Tenants = [],
                Leases = 0,
                Networks = [network],
                NetworkEvents = options.NetworkEvents,
            });
            var (events, _) = EventFileReader.Read(network.Name, string.Join('\n', data.Lines));
            if (events.Count == 0)
            {
                continue;
            }

            var sender = new UsageSender(api, new SendKeys(key, key, key), new SendOptions());
            var probe = await sender.SendAsync(events.Take(1).ToList(), null, cancellationToken).ConfigureAwait(false);
            if (Skip(network, probe) is { } reason)
            {
                context.Console.WriteLine(TerminalText.Visible($"{network.Name}: skipped: {reason}"));
                continue;
            }

            if (probe.ExitCode != ExitCodes.Ok)
            {
                Renderers.SendSummary(context.Console, probe);
                return new([], $"the platform did not accept a sample {network.Type} event");
            }

            var report = await sender.SendAsync(events.Skip(1).ToList(), null, cancellationToken).ConfigureAwait(false);
            context.Console.WriteLine($"{network.Name}: {events.Count} events as {network.Provider} for {network.Tenant}");
            if (report.ExitCode != ExitCodes.Ok)
            {
                Renderers.SendSummary(context.Console, report);
                return new([], $"sending {network.Type} usage failed");
            }

            sent.Add(network);
            targets.Add(new MeterTarget(network.Tenant, network.Meter, Expected(events, network.MeterField)));
        }

        if (targets.Count > 0 && !await new MeteringWait(api, context, options.FinanceKey, options.UsageTimeout).WaitAsync(month, targets, 1, cancellationToken).ConfigureAwait(false))
        {
            return new([], $"usage of the networks did not reach the expected totals within {options.UsageTimeout.TotalSeconds:0} s");
        }

        return new(sent, null);
    }

    /// <summary>The sum of the meter's field over distinct events (a SUM meter's total).</summary>
    public static decimal Expected(IEnumerable<SourceEvent> events, string field) =>
        events.DistinctBy(e => e.Id, StringComparer.Ordinal)
            .Sum(e => Json.Number(JsonNode.Parse(e.Json)?["data"]?[field]) ?? 0);

    /// <summary>Why the platform cannot take this network at all; null when the probe was accepted or failed otherwise.</summary>
    private static string? Skip(SampleNetwork network, SendReport probe)
    {
        if (probe.Rejected.SelectMany(r => r.Reasons).Any(r => r.Contains("unknown event type", StringComparison.Ordinal)))
        {
            return $"this build does not define {network.Type}";
        }

        return probe.Aborted is { } why && why.StartsWith("the API refused the key", StringComparison.Ordinal)
            ? $"the key of {network.Provider} is refused (not registered)"
            : null;
    }
}

namespace Billing.Cli.Commands;

/// <summary><c>billing demo</c>: the whole mission against a running platform.</summary>
internal static class DemoCommand
{
    public static Command Create(CliContext context, GlobalOptions g)
    {
        var cmd = new Command("demo",
            """
            The whole mission against a running platform: generate seeded usage for the previous month, send it, wait
            until it is metered, close the month, print the invoices, pay the carrier invoice through a signed Stripe
            webhook, wait for the Solana burn to finalize, print its signature, verify the ledger. Exit 0 only if all worked.
            Step 4b sends usage of the declarative networks (bandwidth, mapping, render, inference) with the dev keys of
            their providers and 5b prints their tenants' invoices; a network the platform does not define, or whose
            provider is not registered, is skipped with the reason.

            Examples:
              billing demo
              billing demo --url http://127.0.0.1:7071 --seed 3 --sessions 500
            """);
        var seed = new Option<int>("--seed") { Description = "random seed of the sample usage", DefaultValueFactory = _ => 1 };
        var sessions = new Option<int>("--sessions") { Description = "carrier sessions", DefaultValueFactory = _ => 2000 };
        var leases = new Option<int>("--leases") { Description = "GPU leases", DefaultValueFactory = _ => 6 };
        var networks = new Option<string[]>("--network") { Description = "declarative networks to run: bandwidth, mapping, render, inference, all or none (repeatable)", DefaultValueFactory = _ => ["all"] };
        var networkEvents = new Option<int>("--network-events") { Description = "events per network", DefaultValueFactory = _ => 200 };
        var carrierKey = new Option<string?>("--carrier-key") { Description = "key of carrier-tmo (default on loopback: the dev key)" };
        var providerKey = new Option<string?>("--provider-key") { Description = "key of provider-nodeops (default on loopback: the dev key)" };
        var secret = new Option<string>("--webhook-secret") { Description = "Stripe webhook signing secret", DefaultValueFactory = _ => PaymentSimulator.LocalWebhookSecret };
        var burnTimeout = new Option<int>("--burn-timeout") { Description = "seconds to wait for the burn to finalize", DefaultValueFactory = _ => 120 };
        var usageTimeout = new Option<int>("--usage-timeout") { Description = "seconds to wait for metering to catch up", DefaultValueFactory = _ => 180 };
        var startupTimeout = new Option<int>("--startup-timeout") { Description = "seconds to wait for /api/health to answer", DefaultValueFactory = _ => 60 };
        foreach (var o in new Option[] { seed, sessions, leases, networks, networkEvents, carrierKey, providerKey, secret, burnTimeout, usageTimeout, startupTimeout })
        {
            cmd.Add(o);
        }

        cmd.Handle(context, async (p, ct) =>
        {
            ArgumentChecks.Require(p.GetValue(sessions) >= 1, "--sessions must be at least 1");
            ArgumentChecks.Require(p.GetValue(burnTimeout) >= 1 && p.GetValue(usageTimeout) >= 1 && p.GetValue(startupTimeout) >= 1, "timeouts must be at least 1 second");
            ArgumentChecks.Require(p.GetValue(networkEvents) >= 1, "--network-events must be at least 1");
            var endpoint = g.Endpoint(p, context);
            string[] names = p.GetValue(networks) ?? [];
            IReadOnlyList<SampleNetwork> chosen = names is ["none"] ? [] : SampleNetwork.Parse(names);
            var options = new DemoOptions
            {
                Seed = p.GetValue(seed),
                Sessions = p.GetValue(sessions),
                Leases = p.GetValue(leases),
                Networks = chosen,
                NetworkEvents = p.GetValue(networkEvents),
                NetworkKeys = endpoint.IsLoopback ? chosen.ToDictionary(n => n.Name, n => n.DevProviderKey) : new Dictionary<string, string>(),
                Keys = new SendKeys(p.GetValue(carrierKey) ?? Dev(endpoint, ApiEndpoint.DevCarrierKey, "--carrier-key"), p.GetValue(providerKey) ?? Dev(endpoint, ApiEndpoint.DevProviderKey, "--provider-key"), null),
                FinanceKey = endpoint.KeyOr(ApiEndpoint.DevFinanceKey),
                WebhookSecret = p.GetValue(secret) ?? PaymentSimulator.LocalWebhookSecret,
                BurnTimeout = TimeSpan.FromSeconds(p.GetValue(burnTimeout)),
                UsageTimeout = TimeSpan.FromSeconds(p.GetValue(usageTimeout)),
                StartupTimeout = TimeSpan.FromSeconds(p.GetValue(startupTimeout)),
            };
            using var api = ApiSession.Open(endpoint, context);
            return await new DemoRunner(api.Api, context, options).RunAsync(ct).ConfigureAwait(false);
        });
        return cmd;
    }

    private static string Dev(ApiEndpoint endpoint, string devKey, string option) =>
        endpoint.IsLoopback ? devKey : throw new UsageException($"{option} is required for {endpoint.Url}");
}

namespace Billing.Cli.Demo;

public sealed record DemoOptions
{
    public int Seed { get; init; } = 1;

    public int Sessions { get; init; } = 2000;

    public int Hotspots { get; init; } = 50;

    public int Leases { get; init; } = 6;

    public string Carrier { get; init; } = "carrier-tmo";

    public string Tenant { get; init; } = "tenant-lab";

    public string Provider { get; init; } = "provider-nodeops";

    /// <summary>Declarative networks to run (each only if the platform defines its type).</summary>
    public IReadOnlyList<SampleNetwork> Networks { get; init; } = SampleNetwork.All;

    /// <summary>Provider key per network name; a network without one is skipped.</summary>
    public IReadOnlyDictionary<string, string> NetworkKeys { get; init; } = new Dictionary<string, string>();

    public int NetworkEvents { get; init; } = 200;

    public required SendKeys Keys { get; init; }

    public required string FinanceKey { get; init; }

    public string WebhookSecret { get; init; } = PaymentSimulator.LocalWebhookSecret;

    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan UsageTimeout { get; init; } = TimeSpan.FromSeconds(180);

    public TimeSpan BurnTimeout { get; init; } = TimeSpan.FromSeconds(120);
}

/// <summary>
/// The whole mission against a running platform: generate → send → wait for metering → close the previous month →
/// show invoices → pay the carrier invoice through a signed webhook → wait for the burn to finalize → verify the ledger.
/// </summary>
public sealed class DemoRunner(ApiClient api, CliContext context, DemoOptions options)
{
    private readonly IAnsiConsole console = context.Console;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        Step(1, $"Platform at {api.BaseUrl}");
        await WaitForHealthAsync(cancellationToken).ConfigureAwait(false);

        Step(2, "Generate sample usage for the previous month");
        var now = context.Time.GetUtcNow();
        var month = SampleDataGenerator.DefaultMonth(now);
        string period = month.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var data = SampleDataGenerator.Generate(new GeneratorOptions
        {
            Seed = options.Seed,
            Now = now,
            Month = month,
            Carriers = [options.Carrier],
            Hotspots = options.Hotspots,
            Sessions = options.Sessions,
            Provider = options.Provider,
            Tenants = [options.Tenant],
            Leases = options.Leases,
        });
        var (events, _) = EventFileReader.Read("generated", string.Join('\n', data.Lines));
        var expected = ExpectedTotals(events);
        console.WriteLine($"{data.CarrierEvents} carrier sessions and {data.ComputeEvents} GPU intervals for {period} (seed {options.Seed}), " +
            $"times in [{SampleDataGenerator.Format(data.WindowStart)}, {SampleDataGenerator.Format(data.WindowEnd)})");
        console.WriteLine($"expected: {expected.Bytes:#,0} offload bytes, {expected.GpuSeconds:#,0} GPU-seconds");

        Step(3, "Send usage (carrier + compute)");
        var report = await new UsageSender(api, options.Keys, new SendOptions()).SendAsync(events, null, cancellationToken).ConfigureAwait(false);
        Renderers.SendSummary(console, report);
        if (report.ExitCode != ExitCodes.Ok)
        {
            return Fail(report.ExitCode, "sending usage failed");
        }

        Step(4, "Wait until metering has caught up");
        if (!await WaitForUsageAsync(month, expected, cancellationToken).ConfigureAwait(false))
        {
            return Fail(ExitCodes.Failed, $"usage did not reach the expected totals within {options.UsageTimeout.TotalSeconds:0} s");
        }

        IReadOnlyList<SampleNetwork> networks = [];
        if (options.Networks.Count > 0)
        {
            Step("4b", "Usage of the declarative networks");
            var outcome = await new NetworksDemo(api, context, options).SendAsync(now, month, cancellationToken).ConfigureAwait(false);
            if (outcome.Failure is { } failure)
            {
                return Fail(ExitCodes.Failed, failure);
            }

            networks = outcome.Sent;
        }

        Step(5, $"Close period {period}");
        var closed = (await api.SendOkAsync(new ApiRequest(HttpMethod.Post, $"/api/v1/periods/{period}/close", options.FinanceKey), cancellationToken).ConfigureAwait(false)).Json();
        var closeResult = ApiResponseReader.PeriodClose(closed);
        var summaries = closeResult.Invoices;
        Renderers.InvoiceList(console, summaries, $"invoices for {period}");
        foreach (var summary in summaries)
        {
            if (summary.Id is { } id && !networks.Any(n => n.Tenant == summary.Payer))
            {
                console.WriteLine();
                Renderers.Invoice(console, ApiResponseReader.Invoice(await api.GetJsonAsync("/api/v1/invoices/" + Uri.EscapeDataString(id), options.FinanceKey, cancellationToken).ConfigureAwait(false)));
            }
        }

        if (networks.Count > 0)
        {
            Step("5b", "Invoices of the declarative networks");
            foreach (var network in networks)
            {
                if (summaries.FirstOrDefault(s => s.Payer == network.Tenant)?.Id is not { } networkInvoice)
                {
                    string why = closeResult.Failed?.FirstOrDefault(f => f.Payer == network.Tenant)?.Reason ?? "nothing to bill";
                    return Fail(ExitCodes.Failed, $"closing {period} produced no invoice for {network.Tenant} ({network.Name}): {why}");
                }

                console.WriteLine();
                Renderers.Invoice(console, ApiResponseReader.Invoice(await api.GetJsonAsync("/api/v1/invoices/" + Uri.EscapeDataString(networkInvoice), options.FinanceKey, cancellationToken).ConfigureAwait(false)));
            }
        }

        var carrierInvoice = summaries.FirstOrDefault(s => s.Payer == options.Carrier);
        if (carrierInvoice?.Id is not { } invoiceId)
        {
            return Fail(ExitCodes.Failed, $"closing {period} produced no invoice for {options.Carrier}");
        }

        Step(6, $"Pay {invoiceId} through a signed Stripe webhook");
        var payment = await new PaymentSimulator(api, context.Time).PayAsync(invoiceId, options.FinanceKey, null, options.WebhookSecret, cancellationToken).ConfigureAwait(false);
        console.WriteLine(TerminalText.Visible($"invoice.paid {payment.EventId}: {Amounts.Minor(payment.AmountMinor, payment.Currency.ToUpperInvariant())} → HTTP {payment.Status}"));

        Step(7, "Wait for the token burn on Solana");
        var burn = await WaitForBurnAsync(invoiceId, cancellationToken).ConfigureAwait(false);
        if (burn is null)
        {
            return ExitCodes.Failed;
        }

        Renderers.Burns(console, [burn]);
        console.WriteLine("burn signature:");
        Renderers.FullValue(console, burn.Signature ?? "");
        console.WriteLine(TerminalText.Visible($"tokens burned: {Renderers.TokenAmount(burn)} ({burn.TokenAmount} base units)"));

        Step(8, "Ledger balances");
        var balances = ApiResponseReader.LedgerBalances(await api.GetJsonAsync("/api/v1/ledger/balances", options.FinanceKey, cancellationToken).ConfigureAwait(false));
        Renderers.Balances(console, balances, burn.Decimals);

        Step(9, "Anchor the ledger on Solana and verify it");
        var verify = await WaitForAnchorAsync(cancellationToken).ConfigureAwait(false);
        if (!Renderers.LedgerVerify(console, verify))
        {
            return ExitCodes.Failed;
        }

        // Beside the ledger: the partners' audit chains (plans, payers, keys) as finance would check them.
        var audit = ApiResponseReader.AuditVerification(await api.GetJsonAsync("/api/v1/audit/verify", options.FinanceKey, cancellationToken).ConfigureAwait(false));
        var partners = audit.Partners;
        if (!audit.Ok)
        {
            foreach (var problem in partners.SelectMany(p => p.Unsettled is { } why ? [.. p.Problems, why] : p.Problems))
            {
                console.WriteLine("  " + TerminalText.Visible(problem));
            }

            return Fail(ExitCodes.Failed, "partners verify: FAILED (run billing partners verify)");
        }

        console.WriteLine($"partners verify: ok ({partners.Count} partners)");

        console.Write(new Rule("demo: ok"));
        return ExitCodes.Ok;
    }

    /// <summary>Sum of rewardable bytes of carrier events and GPU-seconds of compute events, counting each (source, id) once.</summary>
    public static (decimal Bytes, decimal GpuSeconds) ExpectedTotals(IEnumerable<SourceEvent> events)
    {
        decimal bytes = 0, gpuSeconds = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            var o = JsonNode.Parse(e.Json)!.AsObject();
            if (!seen.Add(Json.Text(o["source"]) + "|" + e.Id))
            {
                continue;
            }

            var d = o["data"];
            if (e.Type == SampleDataGenerator.CarrierType)
            {
                bytes += Json.Number(d?["rewardableBytes"]) ?? ((Json.Number(d?["uploadBytes"]) ?? 0) + (Json.Number(d?["downloadBytes"]) ?? 0));
            }
            else if (e.Type == SampleDataGenerator.ComputeType
                && DateTimeOffset.TryParse(Json.Text(d?["intervalStart"]), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var s)
                && DateTimeOffset.TryParse(Json.Text(d?["intervalEnd"]), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
            {
                gpuSeconds += (Json.Number(d?["gpuCount"]) ?? 0) * ((t - s).Ticks / TimeSpan.TicksPerSecond);
            }
        }

        return (bytes, gpuSeconds);
    }

    /// <summary>
    /// Asks the host to run the AnchorLedger timer now (the local host's admin API; in Azure the timer runs on its
    /// schedule), then polls verify until an anchor covers the ledger or the burn timeout passes.
    /// </summary>
    private async Task<LedgerVerifyResponse> WaitForAnchorAsync(CancellationToken cancellationToken)
    {
        try
        {
            await api.SendAsync(new ApiRequest(HttpMethod.Post, "/admin/functions/AnchorLedger", null), cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            // no admin API here: wait for the timer
        }

        var deadline = context.Time.GetUtcNow() + options.BurnTimeout;
        while (true)
        {
            var verify = ApiResponseReader.LedgerVerification(await api.GetJsonAsync("/api/v1/ledger/verify", options.FinanceKey, cancellationToken).ConfigureAwait(false));
            bool anchored = verify.Anchors > 0 && verify.PendingAnchors == 0;
            if (anchored || !verify.Ok || context.Time.GetUtcNow() > deadline)
            {
                return verify;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), context.Time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WaitForHealthAsync(CancellationToken cancellationToken)
    {
        var deadline = context.Time.GetUtcNow() + options.StartupTimeout;
        while (true)
        {
            try
            {
                var health = await api.GetJsonAsync("/api/health", null, cancellationToken).ConfigureAwait(false);
                console.WriteLine(TerminalText.Visible($"health: {ApiResponseReader.HealthStatus(health) ?? "?"}"));
                return;
            }
            catch (ApiUnreachableException) when (context.Time.GetUtcNow() < deadline)
            {
                await Task.Delay(context.PollInterval, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private Task<bool> WaitForUsageAsync(DateOnly month, (decimal Bytes, decimal GpuSeconds) expected, CancellationToken cancellationToken) =>
        new MeteringWait(api, context, options.FinanceKey, options.UsageTimeout).WaitAsync(
            month, [new(options.Carrier, "offload.bytes", expected.Bytes), new(options.Tenant, "compute.gpu_seconds", expected.GpuSeconds)], 2, cancellationToken);

    private async Task<BurnView?> WaitForBurnAsync(string invoiceId, CancellationToken cancellationToken)
    {
        var deadline = context.Time.GetUtcNow() + options.BurnTimeout;
        string? last = null;
        while (true)
        {
            var burns = await api.GetJsonAsync("/api/v1/burns?invoiceId=" + Uri.EscapeDataString(invoiceId), options.FinanceKey, cancellationToken).ConfigureAwait(false);
            var burn = ApiResponseReader.Burns(burns).FirstOrDefault(b => b.InvoiceId is null || b.InvoiceId == invoiceId);
            string? status = burn?.Status;
            if (status != last)
            {
                console.WriteLine("  burn: " + TerminalText.Visible(status ?? "(none yet)"));
                last = status;
            }

            if (status == "finalized")
            {
                return burn;
            }

            if (status == "failed")
            {
                Fail(ExitCodes.Failed, $"the burn for {invoiceId} failed");
                return null;
            }

            if (context.Time.GetUtcNow() >= deadline)
            {
                Fail(ExitCodes.Failed, $"the burn for {invoiceId} was not finalized within {options.BurnTimeout.TotalSeconds:0} s (last status: {status ?? "none"})");
                return null;
            }

            await Task.Delay(context.PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private void Step(int n, string title) => Step(n.ToString(CultureInfo.InvariantCulture), title);

    private void Step(string n, string title)
    {
        console.WriteLine();
        console.Write(new Rule($"[bold]{n}. {Markup.Escape(title)}[/]") { Justification = Justify.Left });
    }

    private int Fail(int code, string message)
    {
        context.Error.WriteLine("demo failed: " + TerminalText.Visible(message)); // may quote what the API answered
        return code;
    }
}

namespace Billing.Cli.Commands;

/// <summary><c>billing burns</c>: list token burns; <c>billing burns release</c>: finance's decision on a held one.</summary>
internal static class BurnsCommand
{
    public static Command Create(CliContext context, GlobalOptions g)
    {
        var cmd = new Command("burns",
            """
            List token burns (GET /api/v1/burns): USD paid, price, tokens, status, Solana signature.
            Burns whose stored rows cannot be read are named on standard error (they are not listed).

            Examples:
              billing burns
              billing burns --invoice INV-carrier-tmo-202610
            """);
        var invoice = new Option<string?>("--invoice") { Description = "only burns for this invoice id" };
        cmd.Add(invoice);
        var json = JsonOutput.AddTo(cmd);
        cmd.Handle(context, async (p, ct) =>
        {
            using var api = ApiSession.Open(g.Endpoint(p, context), context);
            string path = "/api/v1/burns" + (p.GetValue(invoice) is { } i ? "?invoiceId=" + Uri.EscapeDataString(i) : "");
            var response = await api.Api.SendOkAsync(new ApiRequest(HttpMethod.Get, path, api.FinanceKey) { Accept = "application/json" }, ct).ConfigureAwait(false);
            var body = response.Json();
            int exit = await JsonOutput.PrintAsync(context, p.GetValue(json), body, console => Renderers.Burns(console, ApiResponseReader.Burns(body))).ConfigureAwait(false);
            if (response.Headers.TryGetValue(BurnListHeaders.Unreadable, out string? named) && named.Length > 0)
            {
                await UnreadableRowsWarning.WriteAsync(context, "burn", [.. UnreadableRowsHeader.Parse(named)], "GET /api/v1/ledger/reconcile says why").ConfigureAwait(false);
            }

            return exit;
        });
        cmd.Add(Release(context, g));
        return cmd;
    }

    private static Command Release(CliContext context, GlobalOptions g)
    {
        var cmd = new Command("release",
            """
            Release a held burn (POST /api/v1/burns/{id}/release): burn AMOUNT-MINOR minor units of the invoice's currency
            (0: nothing), at most what the invoice kept after its credit notes and refunds; the note is kept on the burn.

            Examples:
              billing burns release burn-INV-carrier-tmo-202610 --amount-minor 7000 --note "30.00 refunded as goodwill"
              billing burns release burn-INV-carrier-tmo-202610 --amount-minor 0 --note "refunded in full"
            """);
        var id = new Argument<string>("id") { Description = "the burn id (burn-{invoice id})" };
        var amount = new Option<long>("--amount-minor") { Description = "what to burn, in minor units (cents)", Required = true };
        var note = new Option<string>("--note") { Description = "why (kept on the burn)", Required = true };
        cmd.Add(id);
        cmd.Add(amount);
        cmd.Add(note);
        var json = JsonOutput.AddTo(cmd);
        cmd.Handle(context, async (p, ct) =>
        {
            string body = JsonSerializer.Serialize(new ReleaseBurnRequest(p.GetValue(amount), p.GetValue(note)!), BillingJsonContext.Default.ReleaseBurnRequest);
            using var api = ApiSession.Open(g.Endpoint(p, context), context);
            string path = "/api/v1/burns/" + Uri.EscapeDataString(p.GetValue(id)!) + "/release";
            var answer = (await api.Api.SendOkAsync(new ApiRequest(HttpMethod.Post, path, api.FinanceKey) { Body = body, Repeatable = false }, ct).ConfigureAwait(false)).Json();
            return await JsonOutput.PrintAsync(context, p.GetValue(json), answer, console => Renderers.Burns(console, [ApiResponseReader.Burn(answer)])).ConfigureAwait(false);
        });
        return cmd;
    }
}

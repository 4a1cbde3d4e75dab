namespace Billing.Cli.Commands;

/// <summary><c>billing burns</c>: list token burns.</summary>
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
        return cmd;
    }
}

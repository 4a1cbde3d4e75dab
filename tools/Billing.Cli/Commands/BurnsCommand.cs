namespace Billing.Cli.Commands;

/// <summary><c>billing burns</c>: list token burns.</summary>
internal static class BurnsCommand
{
    public static Command Create(CliContext context, GlobalOptions g)
    {
        var cmd = new Command("burns",
            """
            List token burns (GET /api/v1/burns): USD paid, price, tokens, status, Solana signature.

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
            var body = await api.GetJsonAsync(path, ct).ConfigureAwait(false);
            return await JsonOutput.PrintAsync(context, p.GetValue(json), body, console => Renderers.Burns(console, ApiResponseReader.Burns(body))).ConfigureAwait(false);
        });
        return cmd;
    }
}

namespace Billing.Cli.Commands;

/// <summary><c>billing periods</c>: close a billing month.</summary>
internal static class PeriodsCommands
{
    public static Command Create(CliContext context, GlobalOptions g) =>
        new("periods", "Billing periods (calendar months, UTC).") { Close(context, g) };

    private static Command Close(CliContext context, GlobalOptions g)
    {
        var close = new Command("close",
            """
            Close a month (POST /api/v1/periods/{yyyy-MM}/close): generate and finalize the invoices of every payer.
            Idempotent; the API answers 409 if the month has not ended. Exits 1 when a payer failed (listed with why);
            closing the month again retries it.

            Examples:
              billing periods close 2026-10
              billing periods close 2026-10 --json
            """);
        var period = new Argument<string>("period") { Description = "month, yyyy-MM" };
        close.Add(period);
        var json = JsonOutput.AddTo(close);
        close.Handle(context, async (p, ct) =>
        {
            var month = ArgumentChecks.ParseMonth(p.GetValue(period) ?? "", "period");
            string text = month.ToString("yyyy-MM", CultureInfo.InvariantCulture);
            using var api = ApiSession.Open(g.Endpoint(p, context), context);
            var response = await api.Api.SendOkAsync(new ApiRequest(HttpMethod.Post, $"/api/v1/periods/{text}/close", api.FinanceKey), ct).ConfigureAwait(false);
            var body = response.Json();
            var list = ApiResponseReader.PeriodClose(body);
            await JsonOutput.PrintAsync(context, p.GetValue(json), body, console =>
            {
                Renderers.InvoiceList(console, list.Invoices, $"invoices for {list.Period ?? text}");
                Renderers.CloseFailures(console, list.Failed, list.Period ?? text);
            }).ConfigureAwait(false);

            // A payer that failed is left unbilled until the month is closed again: not a success for a script either.
            return list.Failed is { Count: > 0 } ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return close;
    }
}

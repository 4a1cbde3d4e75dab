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
            Idempotent; the API answers 409 if the month has not ended.

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
            return await JsonOutput.PrintAsync(context, p.GetValue(json), body, console =>
            {
                var list = ApiResponseReader.PeriodClose(body);
                Renderers.InvoiceList(console, list.Invoices, $"invoices for {list.Period ?? text}");
            }).ConfigureAwait(false);
        });
        return close;
    }
}

namespace Billing.Cli.Commands;

/// <summary><c>billing pay</c>: pay an invoice through a signed Stripe webhook.</summary>
internal static class PayCommand
{
    public static Command Create(CliContext context, GlobalOptions g)
    {
        var cmd = new Command("pay",
            $"""
            Pay an invoice as Stripe would report it: fetch the invoice, build an invoice.paid event for its totalMinor,
            sign it with the webhook secret and POST it to /api/v1/stripe/webhook (Stripe-Signature header).
            For local and test setups; paying twice with the same amount is a replay the platform ignores.

            Examples:
              billing pay INV-carrier-tmo-202610
              billing pay INV-tenant-lab-202610 --amount-minor 5000 --webhook-secret {PaymentSimulator.LocalWebhookSecret}
            """);
        var id = new Argument<string>("invoiceId") { Description = "invoice id" };
        var amount = new Option<long?>("--amount-minor") { Description = "amount in minor units (default: the invoice's totalMinor)" };
        var secret = new Option<string>("--webhook-secret") { Description = "Stripe webhook signing secret", DefaultValueFactory = _ => PaymentSimulator.LocalWebhookSecret };
        cmd.Add(id);
        cmd.Add(amount);
        cmd.Add(secret);
        cmd.Handle(context, async (p, ct) =>
        {
            ArgumentChecks.Require(p.GetValue(amount) is null or > 0, "--amount-minor must be positive");
            using var api = ApiSession.Open(g.Endpoint(p, context), context);
            var result = await new PaymentSimulator(api.Api, context.Time).PayAsync(
                p.GetValue(id) ?? "", api.FinanceKey, p.GetValue(amount), p.GetValue(secret) ?? PaymentSimulator.LocalWebhookSecret, ct).ConfigureAwait(false);
            context.Console.WriteLine(TerminalText.Visible($"paid {result.InvoiceId}: {Rendering.Amounts.Minor(result.AmountMinor, result.Currency.ToUpperInvariant())} (event {result.EventId}) → HTTP {result.Status}"));
            return ExitCodes.Ok;
        });
        return cmd;
    }
}

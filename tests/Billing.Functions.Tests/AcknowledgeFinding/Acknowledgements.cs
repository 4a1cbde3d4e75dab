using Billing.Functions.Tests.StripeWebhook;

namespace Billing.Functions.Tests.AcknowledgeFinding;

/// <summary>What the acknowledgement tests do against a <see cref="PlatformFixture"/>: make a finding with a real signed webhook, read reconcile, acknowledge.</summary>
internal sealed class Acknowledgements(PlatformFixture platform)
{
    public const string Note = "refunded to the customer by bank transfer, ticket FIN-42";

    private readonly SignedStripe stripe = new(platform);

    public async Task<(HttpStatusCode Status, JsonNode Body)> PostAsync(string body, string key = PlatformFixture.FinanceKey)
    {
        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Post, "api/v1/ledger/reconcile/acknowledgements", key, new StringContent(body, Encoding.UTF8, "application/json")));
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    public static string Request(string kind, string subject, string detailSha256, string note = Note) =>
        new JsonObject { ["kind"] = kind, ["subject"] = subject, ["detailSha256"] = detailSha256, ["note"] = note }.ToJsonString();

    /// <summary>The request for the one open finding about <paramref name="subject"/>, naming its detail as reconcile lists it now.</summary>
    public async Task<string> RequestForAsync(string subject, string note = Note)
    {
        var finding = Assert.Single((await FindingsAsync(subject)).Open);
        return Request(finding["kind"]!.GetValue<string>(), subject, finding["detailSha256"]!.GetValue<string>()[..12], note);
    }

    /// <summary>Reconcile's findings about <paramref name="subject"/>: the open ones and the acknowledged ones.</summary>
    public async Task<(JsonNode[] Open, JsonNode[] Acknowledged)> FindingsAsync(string subject)
    {
        var report = await stripe.GetAsync("api/v1/ledger/reconcile");
        JsonNode[] About(string list) => [.. report[list]!.AsArray().OfType<JsonNode>().Where(f => f["subject"]!.GetValue<string>() == subject)];
        return (About("mismatches"), About("acknowledged"));
    }

    /// <summary>A payment of an invoice this deployment never made: recorded unapplied, reported as <c>PaymentForUnknownInvoice</c>; its event id.</summary>
    public async Task<string> UnappliedPaymentAsync()
    {
        string suffix = Guid.NewGuid().ToString("N")[..8];
        string eventId = "evt_ack_" + suffix;
        var (status, _) = await stripe.PostAsync(StripeTestEvents.InvoicePaid(eventId, "in_ack_" + suffix, $"INV-carrier-ack{suffix}-201701", 1_234, "usd", "cus_ack" + suffix, DateTimeOffset.UtcNow));
        Assert.Equal(HttpStatusCode.OK, status);
        return eventId;
    }
}

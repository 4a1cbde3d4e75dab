using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Billing.Tests.Shared;

/// <summary>
/// The charges behind the double's invoices and their lists, paged as Stripe pages them: <c>limit</c> (1 to 100, 10 when not
/// sent; anything else a 400), <c>starting_after</c> (an id of the list, else a 400), <c>has_more</c> while items remain. Each
/// list must be asked for by the filter the platform sends (<c>GET /v1/charges?payment_intent=</c>,
/// <c>GET /v1/disputes?charge=</c>, <c>GET /v1/invoice_payments?invoice=</c>), else a 400: the double asserts what it is sent.
/// An invoice asked for with <c>expand[]=payments</c> includes the first <see cref="IncludedPayments"/> of its payments, one per
/// payment intent, and says whether more follow.
/// </summary>
public sealed partial class StripeCaptureServer
{
    /// <summary>How many payments an expanded invoice includes (Stripe includes "the first handful"; its default page is 10).</summary>
    public const int IncludedPayments = 10;

    private readonly ConcurrentDictionary<string, ConcurrentQueue<JsonObject>> _charges = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<JsonObject>> _disputes = new(StringComparer.Ordinal);

    /// <summary>
    /// A charge <paramref name="chargeId"/> through payment intent <paramref name="paymentIntent"/> (<c>pi_{chargeId}</c> when
    /// null) that paid Stripe invoice <paramref name="stripeInvoiceId"/> <paramref name="amount"/> minor units of
    /// <paramref name="currency"/>, of which <paramref name="amountRefunded"/> went back; disputed when
    /// <paramref name="disputeStatus"/> is given (dispute <c>dp_{chargeId}</c>, <see cref="AddDispute"/>).
    /// </summary>
    public void AddCharge(string stripeInvoiceId, string chargeId, long amount, string currency, long amountRefunded = 0, string? disputeStatus = null, string? paymentIntent = null)
    {
        var charge = new JsonObject
        {
            ["id"] = chargeId, ["object"] = "charge", ["amount"] = amount, ["amount_refunded"] = amountRefunded, ["currency"] = currency.ToLowerInvariant(),
            ["disputed"] = false, ["payment_intent"] = paymentIntent ?? "pi_" + chargeId, ["status"] = "succeeded", ["paid"] = true, ["livemode"] = false,
        };
        _charges.GetOrAdd(stripeInvoiceId, _ => new()).Enqueue(charge);
        if (disputeStatus is not null)
        {
            AddDispute(chargeId, "dp_" + chargeId, disputeStatus);
        }
    }

    /// <summary>A dispute <paramref name="disputeId"/> of the whole of charge <paramref name="chargeId"/> (added before), which Stripe then flags <c>disputed</c>.</summary>
    public void AddDispute(string chargeId, string disputeId, string status)
    {
        var charge = _charges.Values.SelectMany(q => q).Single(c => (string?)c["id"] == chargeId);
        charge["disputed"] = true;
        _disputes.GetOrAdd(chargeId, _ => new()).Enqueue(new JsonObject
        {
            ["id"] = disputeId, ["object"] = "dispute", ["amount"] = charge["amount"]!.DeepClone(), ["currency"] = charge["currency"]!.DeepClone(), ["charge"] = chargeId,
            ["status"] = status, ["reason"] = "fraudulent", ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["livemode"] = false,
        });
    }

    /// <summary>The invoice, with its first payments when the request expands them, as Stripe includes them only then.</summary>
    private string WithPayments(JsonObject invoice, string id, CapturedRequest r)
    {
        var answer = invoice.DeepClone().AsObject();
        if (r.Form.Any(f => f.Key.StartsWith("expand[", StringComparison.Ordinal) && f.Value == "payments"))
        {
            var payments = PaymentsOf(id);
            answer["payments"] = new JsonObject
            {
                ["object"] = "list", ["data"] = new JsonArray([.. payments.Take(IncludedPayments)]), ["has_more"] = payments.Count > IncludedPayments, ["url"] = "/v1/invoice_payments",
            };
        }

        return answer.ToJsonString();
    }

    /// <summary>The invoice's payments: one per payment intent of its charges, in the order they were added.</summary>
    private List<JsonNode> PaymentsOf(string stripeInvoiceId)
    {
        var charges = _charges.GetValueOrDefault(stripeInvoiceId)?.ToList() ?? [];
        return [.. charges.GroupBy(c => (string)c["payment_intent"]!, StringComparer.Ordinal).Select(g => (JsonNode)new JsonObject
        {
            ["id"] = "inpay_" + g.Key, ["object"] = "invoice_payment", ["amount_paid"] = g.Sum(c => (long)c["amount"]!), ["currency"] = g.First()["currency"]!.DeepClone(),
            ["invoice"] = stripeInvoiceId, ["status"] = "paid", ["payment"] = new JsonObject { ["type"] = "payment_intent", ["payment_intent"] = g.Key },
        })];
    }

    /// <summary><c>GET /v1/charges?payment_intent=</c>, <c>GET /v1/disputes?charge=</c> or <c>GET /v1/invoice_payments?invoice=</c>: one page of the matching items.</summary>
    private (int Status, string Json) ListOf(string path, CapturedRequest r)
    {
        string filter = path switch { "/v1/charges" => "payment_intent", "/v1/disputes" => "charge", _ => "invoice" };
        if (r.Field(filter) is not { Length: > 0 } by)
        {
            return Invalid(filter, null, $"The double lists {path[4..]} only by {filter}.");
        }

        List<JsonNode> all = path switch
        {
            "/v1/charges" => [.. _charges.Values.SelectMany(q => q).Where(c => (string?)c["payment_intent"] == by).Select(c => c.DeepClone())],
            "/v1/disputes" => [.. (_disputes.GetValueOrDefault(by)?.ToList() ?? []).Select(d => d.DeepClone())],
            _ => PaymentsOf(by),
        };

        int limit = 10;
        if (r.Field("limit") is { } sent && (!int.TryParse(sent, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 100))
        {
            return Invalid("limit", null, $"Invalid limit: must be between 1 and 100 ({sent}).");
        }

        int from = 0;
        if (r.Field("starting_after") is { } after)
        {
            from = all.FindIndex(item => (string?)item["id"] == after) + 1;
            if (from == 0)
            {
                return Invalid("starting_after", "resource_missing", $"No such object: '{after}'");
            }
        }

        var page = all.Skip(from).Take(limit).ToList();
        return (200, new JsonObject { ["object"] = "list", ["data"] = new JsonArray([.. page]), ["has_more"] = from + page.Count < all.Count, ["url"] = path }.ToJsonString());
    }

    private static (int, string) Invalid(string param, string? code, string message) =>
        (400, new JsonObject { ["error"] = new JsonObject { ["type"] = "invalid_request_error", ["code"] = code, ["param"] = param, ["message"] = message } }.ToJsonString());
}

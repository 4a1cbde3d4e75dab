using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;

namespace Billing.Tests.Shared;

/// <summary>
/// A real loopback HTTP server that answers like the Stripe API for the few endpoints the sync uses and records every
/// request (method, path, decoded form body, headers). Like Stripe, it replays the stored response for a repeated
/// <c>Idempotency-Key</c>, so tests can observe that a replayed sync gets the original objects back.
/// Paths listed in <see cref="FailPaths"/>, and any request for a payer in <see cref="FailPayers"/> (by its
/// <c>metadata[billing_payer]</c>), answer with a Stripe-style 400 error. <c>GET /v1/invoices/{id}</c> answers the invoice a
/// test set up with <see cref="MarkPaid"/>, else a 404 like Stripe's; paths in <see cref="FailStatus"/> answer that status
/// (a 500, a 429: Stripe unreachable for the caller). With <c>expand[]=payments</c> the invoice includes the first payments of
/// the charges a test added with <see cref="AddCharge"/> (StripeCaptureServer.Lists.cs), whose lists are paged as Stripe pages
/// them. A GET's query is captured as its form.
/// </summary>
public sealed partial class StripeCaptureServer() : LoopbackHttpServer(concurrent: false)
{
    private readonly ConcurrentQueue<CapturedRequest> _requests = new();
    private readonly Dictionary<string, string> _idempotentResponses = new(StringComparer.Ordinal);
    private int _nextId;

    /// <summary>e.g. <c>http://127.0.0.1:41234</c>; use as <c>Billing:Stripe:ApiBase</c>.</summary>
    public string BaseUrl => Url.GetLeftPart(UriPartial.Authority);

    public HashSet<string> FailPaths { get; } = new(StringComparer.Ordinal);

    public HashSet<string> FailPayers { get; } = new(StringComparer.Ordinal);

    /// <summary>Paths answered with a Stripe <c>api_error</c> of the given status, e.g. <c>/v1/invoices/in_1</c> → 500.</summary>
    public ConcurrentDictionary<string, int> FailStatus { get; } = new(StringComparer.Ordinal);

    /// <summary>Paths answered 200 with this body as it is, e.g. JSON cut short: an answer the caller cannot read.</summary>
    public ConcurrentDictionary<string, string> RawAnswers { get; } = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, JsonObject> _invoices = new(StringComparer.Ordinal);

    /// <summary>
    /// What <c>GET /v1/invoices/<paramref name="stripeInvoiceId"/></c> answers from now on: an invoice of that
    /// <paramref name="status"/> (paid by default) that paid <paramref name="amountPaid"/> minor units of <paramref name="currency"/>,
    /// whose <c>metadata[billing_invoice_id]</c> is <paramref name="billingInvoiceId"/> (none when null); marked paid outside
    /// Stripe (<c>paid_out_of_band</c>) when <paramref name="paidOutOfBand"/>.
    /// </summary>
    public void MarkPaid(string stripeInvoiceId, long amountPaid, string currency, string? billingInvoiceId, bool livemode = false, string status = "paid", bool paidOutOfBand = false)
    {
        var metadata = new JsonObject();
        if (billingInvoiceId is not null)
        {
            metadata["billing_invoice_id"] = billingInvoiceId;
        }

        _invoices[stripeInvoiceId] = new JsonObject
        {
            ["id"] = stripeInvoiceId, ["object"] = "invoice", ["status"] = status, ["amount_paid"] = amountPaid,
            ["currency"] = currency.ToLowerInvariant(), ["livemode"] = livemode, ["metadata"] = metadata, ["paid_out_of_band"] = paidOutOfBand,
        };
    }

    /// <summary>Runs before <c>GET /v1/invoices/{id}</c> is answered, with the id: what lands while Stripe is being asked.</summary>
    public Func<string, Task>? OnInvoiceAsked { get; set; }

    public IReadOnlyList<CapturedRequest> Requests => [.. _requests];

    public static StripeCaptureServer Start() => new();

    protected override async Task HandleAsync(HttpListenerContext context)
    {
        HttpListenerRequest request = context.Request;
        string body = await ReadBodyAsync(request).ConfigureAwait(false);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string? name in request.Headers.AllKeys)
        {
            if (name is not null)
            {
                headers[name] = request.Headers[name] ?? string.Empty;
            }
        }

        string path = request.Url!.AbsolutePath;
        var captured = new CapturedRequest(request.HttpMethod, path, ParseForm(request.HttpMethod == "GET" ? request.Url.Query.TrimStart('?') : body), headers);
        _requests.Enqueue(captured);

        int status = 200;
        string json;
        string? key = captured.Header("Idempotency-Key");
        if (FailStatus.TryGetValue(path, out int failing))
        {
            status = failing;
            json = """{"error":{"type":"api_error","message":"Capture server was told to fail this path."}}""";
        }
        else if (RawAnswers.TryGetValue(path, out string? raw))
        {
            json = raw;
        }
        else if (request.HttpMethod == "GET" && path.StartsWith("/v1/invoices/", StringComparison.Ordinal))
        {
            string id = path["/v1/invoices/".Length..];
            if (OnInvoiceAsked is { } asked)
            {
                await asked(id).ConfigureAwait(false);
            }

            (status, json) = _invoices.TryGetValue(id, out var invoice)
                ? (200, WithPayments(invoice, id, captured))
                : (404, new JsonObject { ["error"] = new JsonObject { ["type"] = "invalid_request_error", ["code"] = "resource_missing", ["param"] = "id", ["message"] = $"No such invoice: '{id}'" } }.ToJsonString());
        }
        else if (request.HttpMethod == "GET" && path is "/v1/charges" or "/v1/disputes" or "/v1/invoice_payments")
        {
            (status, json) = ListOf(path, captured);
        }
        else if (FailPaths.Contains(path) || captured.Field("metadata[billing_payer]") is { } payer && FailPayers.Contains(payer))
        {
            status = 400;
            json = """{"error":{"type":"invalid_request_error","code":"parameter_invalid","message":"Capture server was told to fail this path."}}""";
        }
        else if (key is not null && _idempotentResponses.TryGetValue(key, out string? stored))
        {
            json = stored;
        }
        else
        {
            json = Respond(captured);
            if (key is not null)
            {
                _idempotentResponses[key] = json;
            }
        }

        context.Response.Headers["Request-Id"] = $"req_capture_{_requests.Count}";
        await WriteJsonAsync(context.Response, status, json).ConfigureAwait(false);
    }

    private string Respond(CapturedRequest r)
    {
        int n = Interlocked.Increment(ref _nextId);
        JsonObject obj;
        switch (r.Method, r.Path)
        {
            case ("POST", "/v1/customers"):
                obj = Created(r, $"cus_capture{n}", "customer", "name");
                break;
            case ("POST", "/v1/invoices"):
                obj = Created(r, $"in_capture{n}", "invoice", "customer", "currency", "collection_method");
                obj["status"] = "draft";
                break;
            case ("POST", "/v1/invoiceitems"):
                obj = Created(r, $"ii_capture{n}", "invoiceitem", "currency", "customer", "invoice", "description");
                obj["amount"] = long.Parse(r.Field("amount") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
                break;
            case ("POST", _) when r.Path.StartsWith("/v1/invoices/", StringComparison.Ordinal) && r.Path.EndsWith("/finalize", StringComparison.Ordinal):
                string id = r.Path["/v1/invoices/".Length..^"/finalize".Length];
                obj = new JsonObject { ["id"] = id, ["object"] = "invoice", ["status"] = "open", ["hosted_invoice_url"] = $"https://invoice.stripe.com/i/acct_capture/{id}" };
                break;
            default:
                obj = new JsonObject { ["error"] = new JsonObject { ["type"] = "invalid_request_error", ["message"] = $"Unrecognized request URL ({r.Method}: {r.Path})." } };
                break;
        }

        return obj.ToJsonString();
    }

    /// <summary>An object the request created: its id and type, the <paramref name="echoed"/> form fields as posted, and its metadata.</summary>
    private static JsonObject Created(CapturedRequest r, string id, string type, params string[] echoed)
    {
        var obj = new JsonObject { ["id"] = id, ["object"] = type, ["metadata"] = Metadata(r) };
        foreach (string field in echoed)
        {
            obj[field] = r.Field(field);
        }

        return obj;
    }

    private static JsonObject Metadata(CapturedRequest r)
    {
        var metadata = new JsonObject();
        foreach ((string key, string value) in r.Form)
        {
            if (key.StartsWith("metadata[", StringComparison.Ordinal) && key.EndsWith(']'))
            {
                metadata[key["metadata[".Length..^1]] = value;
            }
        }

        return metadata;
    }

    private static List<KeyValuePair<string, string>> ParseForm(string body)
    {
        var form = new List<KeyValuePair<string, string>>();
        foreach (string pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            string key = eq < 0 ? pair : pair[..eq];
            string value = eq < 0 ? string.Empty : pair[(eq + 1)..];
            form.Add(new(Decode(key), Decode(value)));
        }

        return form;
    }

    private static string Decode(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));
}

using System.Reflection;
using System.Security.Cryptography;
using Billing.Payments;

namespace Billing.Reliability.Tests.Security;

/// <summary>Authorization of every route for every role, hashed keys, constant-time comparison, secrets kept out of logs, webhook abuse.</summary>
[Collection(SecurityCollection.Name)]
public class SecurityTests(SecurityFixture fixture, ITestOutputHelper output)
{
    public enum Role
    {
        NoKey,
        WrongKey,
        Carrier,
        OtherCarrier,
        Provider,
        Tenant,
        Finance,
    }

    private string? Key(Role role) => role switch
    {
        Role.NoKey => null,
        Role.WrongKey => "sec-wrong-" + fixture.Run,
        Role.Carrier => fixture.CarrierKey,
        Role.OtherCarrier => fixture.OtherCarrierKey,
        Role.Provider => fixture.ProviderKey,
        Role.Tenant => fixture.TenantKey,
        _ => fixture.FinanceKey,
    };

    // Columns: NoKey, WrongKey, Carrier (carrier-tmo), OtherCarrier (carrier-other), Provider, Tenant (tenant-lab), Finance.
    // POST /usage posts a carrier-tmo event; "other" payer/invoice rows target carrier-other / tenant-lab's invoice.
    public static readonly (string Name, string Method, string Path, int[] Expected)[] Matrix =
    [
        ("health", "GET", "api/health", [200, 200, 200, 200, 200, 200, 200]),
        ("post usage (carrier-tmo event)", "POST", "api/v1/usage", [401, 401, 202, 400, 400, 403, 403]),
        // A provider may query any payer but only sees the usage it reported itself (rows filtered: none for a carrier).
        ("usage of carrier-tmo", "GET", "api/v1/usage?payer=carrier-tmo&meter=offload.bytes", [401, 401, 200, 403, 200, 403, 200]),
        ("usage of carrier-other", "GET", "api/v1/usage?payer=carrier-other&meter=offload.bytes", [401, 401, 403, 200, 200, 403, 200]),
        ("usage of tenant-lab", "GET", "api/v1/usage?payer=tenant-lab&meter=compute.gpu_seconds", [401, 401, 403, 403, 200, 200, 200]),
        ("close next month (not ended)", "POST", "api/v1/periods/{next}/close", [401, 401, 403, 403, 403, 403, 409]),
        ("list invoices", "GET", "api/v1/invoices?period={prev}", [401, 401, 200, 200, 403, 200, 200]),
        ("tenant-lab invoice", "GET", "api/v1/invoices/INV-tenant-lab-{prevc}", [401, 401, 403, 403, 403, 200, 200]),
        ("carrier-tmo invoice", "GET", "api/v1/invoices/INV-carrier-tmo-{prevc}", [401, 401, 200, 403, 403, 403, 200]),
        ("burns", "GET", "api/v1/burns", [401, 401, 403, 403, 403, 403, 200]),
        ("ledger verify", "GET", "api/v1/ledger/verify", [401, 401, 403, 403, 403, 403, 200]),
        ("ledger reconcile", "GET", "api/v1/ledger/reconcile", [401, 401, 403, 403, 403, 403, 200]),
        // Without payer= only finance reads balances; a payer reads its own (payer= its id), nobody else's.
        ("ledger balances (all)", "GET", "api/v1/ledger/balances", [401, 401, 403, 403, 403, 403, 200]),
        ("ledger balances of carrier-tmo", "GET", "api/v1/ledger/balances?payer=carrier-tmo", [401, 401, 200, 403, 403, 403, 200]),
        ("ledger entries", "GET", "api/v1/ledger/entries?limit=1", [401, 401, 403, 403, 403, 403, 200]),
        // Payers and finance may read proofs (an unknown entry is 404, for a payer also another payer's); a provider never.
        ("ledger proof of an unknown entry", "GET", "api/v1/ledger/proof/nope", [401, 401, 404, 404, 403, 404, 404]),
        ("rollups verify", "GET", "api/v1/rollups/verify?payer=carrier-tmo&month={prev}", [401, 401, 403, 403, 403, 403, 200]),
        ("rollups rebuild", "POST", "api/v1/rollups/rebuild?payer=carrier-tmo&month={prev}", [401, 401, 403, 403, 403, 403, 200]),
        // Partner management and the audit trail: finance only. "create partner" makes sec-new-partner, which the next rows change.
        ("list partners", "GET", "api/v1/partners", [401, 401, 403, 403, 403, 403, 200]),
        ("create partner", "POST", "api/v1/partners", [401, 401, 403, 403, 403, 403, 201]),
        ("get partner", "GET", "api/v1/partners/carrier-tmo", [401, 401, 403, 403, 403, 403, 200]),
        ("update partner", "PATCH", "api/v1/partners/sec-new-partner", [401, 401, 403, 403, 403, 403, 200]),
        ("rotate partner key", "POST", "api/v1/partners/sec-new-partner/keys", [401, 401, 403, 403, 403, 403, 201]),
        ("partner audit", "GET", "api/v1/partners/sec-new-partner/audit", [401, 401, 403, 403, 403, 403, 200]),
        ("audit trail", "GET", "api/v1/audit", [401, 401, 403, 403, 403, 403, 200]),
        // Replaying a quarantined event through metering: finance only (an unknown id is 404 once admitted).
        ("replay an unknown quarantined event", "POST", "api/v1/quarantine/Y2Fycmllci10bW8.0000000000000000000000000000000000000000000000000000000000000000/replay", [401, 401, 403, 403, 403, 403, 404]),
        ("openapi document", "GET", "api/openapi.json", [200, 200, 200, 200, 200, 200, 200]),
        ("who am I", "GET", "api/v1/me", [401, 401, 200, 200, 200, 200, 200]),
        // The web console is anonymous static content (the page asks for a key); nothing outside it is reachable.
        ("console page", "GET", "api/console/", [200, 200, 200, 200, 200, 200, 200]),
        ("console: a path outside it", "GET", "api/console/..%2Fhost.json", [404, 404, 404, 404, 404, 404, 404]),
        ("stripe webhook without signature", "POST", "api/v1/stripe/webhook", [400, 400, 400, 400, 400, 400, 400]),
    ];

    [Fact]
    public async Task EveryRouteTimesEveryRole_AnswersTheExpectedStatus()
    {
        await fixture.EnsureClosedAsync();
        string prev = SecurityFixture.PreviousPeriod(1, out string prevc);
        string next = DateTimeOffset.UtcNow.AddMonths(1).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var mismatches = new List<string>();
        var table = new System.Text.StringBuilder("| route | none | wrong | carrier | other carrier | provider | tenant | finance |\n|---|---|---|---|---|---|---|---|\n");
        foreach (var (name, method, template, expected) in Matrix)
        {
            string path = template.Replace("{next}", next, StringComparison.Ordinal).Replace("{prevc}", prevc, StringComparison.Ordinal).Replace("{prev}", prev, StringComparison.Ordinal);
            table.Append($"| {method} {path} |");
            foreach (var role in Enum.GetValues<Role>())
            {
                HttpContent? content = null;
                if (name.StartsWith("post usage", StringComparison.Ordinal))
                {
                    var e = Billing.Tests.Shared.SampleEvents.Carrier("mx-" + Guid.NewGuid().ToString("N"), Billing.Tests.Shared.PlatformFixture.NewHotspot(), 1, 1);
                    content = Infrastructure.AppHost.Batch(new JsonArray(e).ToJsonString());
                }
                else if (name == "create partner")
                {
                    content = new StringContent("""{"id":"sec-new-partner","role":"carrier","plan":"carrier-standard-v1","displayName":"New","billingEmail":"b@new.example"}""", System.Text.Encoding.UTF8, "application/json");
                }
                else if (name == "update partner")
                {
                    content = new StringContent("""{"displayName":"Renamed"}""", System.Text.Encoding.UTF8, "application/json");
                }
                else if (method == "POST" && name.StartsWith("stripe", StringComparison.Ordinal))
                {
                    content = new StringContent(fixture.InvoicePaidPayload("INV-tenant-lab-" + prevc, 1), System.Text.Encoding.UTF8, "application/json");
                }

                var (status, body) = await fixture.App.SendAsync(new HttpMethod(method), path, Key(role), content);
                int want = expected[(int)role];
                table.Append($" {status}{(status == want ? "" : $" (want {want})")} |");
                if (status != want)
                {
                    mismatches.Add($"{method} {path} as {role}: {status} (expected {want}) {(body.Length > 200 ? body[..200] : body)}");
                }
                else if (role == Role.Provider && path.StartsWith("api/v1/usage?payer=carrier", StringComparison.Ordinal) && JsonNode.Parse(body)!["rows"]!.AsArray().Count != 0)
                {
                    mismatches.Add($"{method} {path} as provider: sees carrier usage it did not report: {body}");
                }
                else if (status >= 400 && status != 404 && !body.Contains("\"status\"", StringComparison.Ordinal))
                {
                    mismatches.Add($"{method} {path} as {role}: {status} without a problem body");
                }
            }

            table.Append('\n');
        }

        output.WriteLine(table.ToString());
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    [Fact]
    public async Task PartnersTable_HoldsOnlyKeyHashes_NoPlainKeyAnywhere()
    {
        await fixture.EnsureClosedAsync(); // keys have been used, caches filled, Stripe customers possibly merged in
        var table = new TableServiceClient(fixture.ConnectionString).GetTableClient(fixture.TablePrefix + "partners");
        var keys = new[] { fixture.CarrierKey, fixture.OtherCarrierKey, fixture.ProviderKey, fixture.TenantKey, fixture.FinanceKey };
        int rows = 0;
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            rows++;
            foreach (var (name, value) in row.Concat([new("PartitionKey", row.PartitionKey), new("RowKey", row.RowKey)]))
            {
                string text = value?.ToString() ?? "";
                foreach (var key in keys)
                {
                    Assert.DoesNotContain(key, text, StringComparison.Ordinal);
                }

                if (name is "KeyHash" or "RowKey")
                {
                    hashes.Add(text);
                }
            }
        }

        Assert.True(rows >= 10, $"{rows} rows");
        foreach (var key in keys)
        {
            Assert.Contains(PartnerStore.HashKey(key), hashes); // stored as SHA-256 hex
        }
    }

    /// <summary>
    /// Reflection check (not timing): the IL of PartnerStore.AuthenticateAsync's state machine calls
    /// CryptographicOperations.FixedTimeEquals, and the webhook verifier's does too.
    /// </summary>
    [Theory]
    [InlineData(typeof(PartnerStore), "AuthenticateAsync")]
    [InlineData(typeof(StripeWebhookVerifier), null)]
    public void SecretComparisons_UseCryptographicOperationsFixedTimeEquals(Type type, string? method)
    {
        var target = typeof(CryptographicOperations).GetMethod(nameof(CryptographicOperations.FixedTimeEquals), [typeof(ReadOnlySpan<byte>), typeof(ReadOnlySpan<byte>)])!;
        var candidates = type.GetMethods(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
            .Concat(type.GetNestedTypes(BindingFlags.NonPublic).SelectMany(t => t.GetMethods(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.DeclaredOnly)))
            .Where(m => method is null || m.Name == method || m.DeclaringType!.Name.Contains("<" + method + ">", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(candidates);
        Assert.Contains(candidates, m => Calls(m, target));
    }

    private static bool Calls(MethodInfo method, MethodInfo target)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            return false;
        }

        for (int i = 0; i + 4 < il.Length; i++)
        {
            if (il[i] is 0x28 or 0x6F) // call, callvirt
            {
                try
                {
                    if (method.Module.ResolveMethod(BitConverter.ToInt32(il, i + 1), method.DeclaringType!.GetGenericArguments(), null) is MethodInfo m
                        && m.DeclaringType == target.DeclaringType && m.Name == target.Name)
                    {
                        return true;
                    }
                }
                catch (Exception ex) when (ex is ArgumentException or BadImageFormatException or MissingMethodException)
                {
                }
            }
        }

        return false;
    }

    [Fact]
    public async Task PeriodClose_StripeUnreachable_Answers503ProblemAndKeepsTheStoredInvoices()
    {
        string closeAnswer = await fixture.EnsureClosedAsync();

        Assert.StartsWith("503 ", closeAnswer, StringComparison.Ordinal); // before: an empty 500, as if something were broken for good
        Assert.Contains("\"title\":\"Try again\"", closeAnswer, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.StripeSecretKey, closeAnswer, StringComparison.Ordinal);
        SecurityFixture.PreviousPeriod(1, out string compact);
        var (status, body) = await fixture.App.SendAsync(HttpMethod.Get, $"api/v1/invoices/INV-tenant-lab-{compact}", fixture.FinanceKey);
        Assert.True(status == 200, body); // stored before the sync; the next close sends it to Stripe
    }

    [Fact]
    public async Task FullFlow_UsageCloseStripeSyncFailurePaymentAndBurn_NoSecretInAnyLogLine()
    {
        string closeAnswer = await fixture.EnsureClosedAsync();
        var (invoiceId, _, burn) = await fixture.EnsurePaidAsync();
        Assert.Equal("finalized", burn["status"]!.GetValue<string>());

        // Provoke more logging around secrets: failing auth, a bad webhook signature, another close (Stripe sync retried).
        await fixture.App.SendAsync(HttpMethod.Get, "api/v1/burns", "sk_test_not_ours");
        await fixture.PostWebhookAsync("{}", "t=1,v1=00");
        var (again, _) = await fixture.App.SendAsync(HttpMethod.Post, $"api/v1/periods/{SecurityFixture.PreviousPeriod(1, out _)}/close", fixture.FinanceKey);
        var logs = fixture.App.LogSnapshot();
        Assert.True(logs.Count > 20, $"only {logs.Count} log lines captured");
        Assert.Contains(logs, l => l.StartsWith("app: ", StringComparison.Ordinal)); // the app's own stdout/stderr is in there
        var leaks = new List<string>();
        foreach (var secret in fixture.AllSecrets())
        {
            foreach (var line in logs.Where(l => l.Contains(secret, StringComparison.Ordinal)))
            {
                leaks.Add($"{secret[..Math.Min(12, secret.Length)]}… in: {(line.Length > 300 ? line[..300] : line)}");
            }
        }

        output.WriteLine($"close: {closeAnswer[..Math.Min(200, closeAnswer.Length)]}; second close {again}; {logs.Count} log lines searched for {fixture.AllSecrets().Count()} secret forms; invoice {invoiceId} burned {burn["tokenAmount"]}");
        Assert.True(leaks.Count == 0, string.Join("\n", leaks.Take(10)));
    }

    [Fact]
    public async Task StripeWebhook_ReplayTamperAndStaleTimestamp_AreRejectedOrNoOps()
    {
        var (invoiceId, payload, burn) = await fixture.EnsurePaidAsync();
        string secret = fixture.WebhookSecret;

        var (replay, replayBody) = await fixture.PostWebhookAsync(payload, StripeWebhookSigner.Sign(payload, secret, DateTimeOffset.UtcNow));
        Assert.Equal(200, replay);
        Assert.True(replayBody!["replay"]!.GetValue<bool>(), replayBody.ToJsonString());

        long total = await fixture.InvoiceTotalMinorAsync(invoiceId);
        string fresh = fixture.InvoicePaidPayload(invoiceId, total);
        string tampered = System.Text.RegularExpressions.Regex.Replace(fresh, "\"amount_paid\":\\s*" + total, $"\"amount_paid\": {total * 100}");
        Assert.NotEqual(fresh, tampered);
        var (tamper, _) = await fixture.PostWebhookAsync(tampered, StripeWebhookSigner.Sign(fresh, secret, DateTimeOffset.UtcNow));
        Assert.Equal(400, tamper);
        var (stale, _) = await fixture.PostWebhookAsync(fresh, StripeWebhookSigner.Sign(fresh, secret, DateTimeOffset.UtcNow.AddSeconds(-301)));
        Assert.Equal(400, stale);
        var (future, _) = await fixture.PostWebhookAsync(fresh, StripeWebhookSigner.Sign(fresh, secret, DateTimeOffset.UtcNow.AddSeconds(400)));
        Assert.Equal(400, future);
        var (wrong, _) = await fixture.PostWebhookAsync(fresh, StripeWebhookSigner.Sign(fresh, "whsec_dev_local_only", DateTimeOffset.UtcNow));
        Assert.Equal(400, wrong);

        // A second, distinct invoice.paid event for an invoice already paid never burns again.
        var (second, secondBody) = await fixture.PostWebhookAsync(fresh, StripeWebhookSigner.Sign(fresh, secret, DateTimeOffset.UtcNow));
        Assert.Equal(200, second);
        await Task.Delay(6_000); // one burn executor tick
        var burns = await fixture.BurnsAsync(invoiceId);
        var only = Assert.Single(burns)!;
        Assert.Equal(burn["id"]!.GetValue<string>(), only["id"]!.GetValue<string>());
        Assert.Equal(burn["signature"]!.GetValue<string>(), only["signature"]!.GetValue<string>());
        output.WriteLine($"second event for a paid invoice answered {secondBody?.ToJsonString()}");
    }
}

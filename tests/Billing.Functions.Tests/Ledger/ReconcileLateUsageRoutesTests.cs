namespace Billing.Functions.Tests.Ledger;

/// <summary>
/// <c>GET /api/v1/ledger/reconcile</c> of the running platform over late-usage marks (as metering writes them, and one
/// changed outside the platform): a month the next close bills is under <c>pending</c>, apart from the mismatches; a mark
/// no close settles and an unreadable mark row are mismatches. The rows are removed afterwards.
/// </summary>
[Collection(PlatformCollections.LedgerTampering)]
public class ReconcileLateUsageRoutesTests(PlatformFixture platform)
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static readonly BillingPeriod Month = new(2020, 1);

    [Fact]
    public async Task Reconcile_LateUsageMarks_PendingListedApartAndUnsettledOnesAreMismatches()
    {
        var tables = new BillingTables(new TableServiceClient(platform.ConnectionString), new StorageOptions { ConnectionString = platform.ConnectionString, TablePrefix = platform.TablePrefix });
        var invoices = new InvoiceStore(tables);
        await invoices.TrySaveCloseAsync(new PeriodCloseRecord(Month, Month.End.AddDays(1), new Dictionary<string, string>()), null, Ct);
        await new FactStore(tables).LateUsage.MarkAsync([("carrier-tmo", Month), ("carrier-gone", Month)], new DateTimeOffset(2020, 4, 2, 0, 0, 0, TimeSpan.Zero), Ct);
        await tables.Facts.AddEntityAsync(new TableEntity("late", "202001|carrier-other") { ["Payer"] = "carrier-other", ["Month"] = 202001L });
        try
        {
            using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, "api/v1/ledger/reconcile", PlatformFixture.FinanceKey));
            string text = await response.Content.ReadAsStringAsync();
            var body = JsonNode.Parse(text)!;

            Assert.True(response.StatusCode == HttpStatusCode.OK, text);
            var pending = Assert.Single(body["pending"]!.AsArray())!;
            Assert.Equal(("LateUsagePending", "carrier-tmo 2020-01"), (pending["kind"]!.GetValue<string>(), pending["subject"]!.GetValue<string>()));
            Assert.Contains("first metered late at 2020-04-02 00:00:00Z, last at 2020-04-02 00:00:00Z", pending["detail"]!.GetValue<string>(), StringComparison.Ordinal);
            var late = body["mismatches"]!.AsArray().Where(m => m!["kind"]!.GetValue<string>().StartsWith("LateUsage", StringComparison.Ordinal))
                .ToDictionary(m => (m!["kind"]!.GetValue<string>(), m["subject"]!.GetValue<string>()), m => m!["detail"]!.GetValue<string>());
            Assert.Equal(2, late.Count);
            Assert.Contains("no partner carrier-gone", late[("LateUsageWithoutPayer", "carrier-gone 2020-01")], StringComparison.Ordinal);
            Assert.Contains("property 'Month'", late[("LateUsageMarkUnreadable", "202001|carrier-other")], StringComparison.Ordinal);
            Assert.False(body["ok"]!.GetValue<bool>());
        }
        finally
        {
            foreach (var row in tables.Facts.Query<TableEntity>(r => r.PartitionKey == "late").ToList())
            {
                await tables.Facts.DeleteEntityAsync(row.PartitionKey, row.RowKey);
            }

            await tables.Invoices.DeleteEntityAsync("close", Month.ToCompactString());
        }
    }
}

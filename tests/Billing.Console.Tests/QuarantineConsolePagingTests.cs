using Billing.Storage;

namespace Billing.WebConsole.Tests;

/// <summary>The quarantine page over API pages that stopped at their read budget (10,000 rows) before finding an event.</summary>
[Collection(ConsoleCollection.Name)]
public class QuarantineConsolePagingTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task Quarantine_NeverReplayedEventBehindAPageOfReplayedOnes_ReadsOnAndShowsIt()
    {
        string source = $"carrier-budget-{Guid.NewGuid().ToString("N")[..10]}";
        var table = PlantedRows.Table(fixture, "quarantine");
        string partition = QuarantineStore.PartitionKeyFor(source);

        // A whole read budget of replayed events that sort before the one never replayed (row keys are SHA-256 hex).
        var planted = Enumerable.Range(0, 10_000).Select(i => new TableEntity(partition, i.ToString("x64", CultureInfo.InvariantCulture))
        {
            ["Kind"] = "invalid", ["Source"] = source, ["EventId"] = $"replayed-{i}", ["Reasons"] = "[\"planted\"]",
            ["QuarantinedAt"] = fixture.Now, ["ReplayOutcome"] = "invalid", ["ReplayedAt"] = fixture.Now, ["ReplayedBy"] = "finance",
        }).ToList();
        foreach (var chunk in planted.Chunk(100))
        {
            await table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)));
        }

        try
        {
            var invalid = SampleEvents.Carrier($"console-budget-{source}", PlatformFixture.NewHotspot(), -1, 0, source: source);
            fixture.Platform.Host.Broker.GetHub("carrier-offload").Publish([invalid.ToJsonString()], "console-quarantine-budget");
            await fixture.Platform.DrainAsync();
            var (status, body, _) = await fixture.GetAsync($"api/v1/quarantine?source={source}&replayed=false", PlatformFixture.FinanceKey);
            var page = await ConsolePage.OpenSignedInAsync(fixture, PlatformFixture.FinanceKey, $"#/quarantine?source={source}&replayed=false", "quarantine");
            var rows = await page.Locator("#quarantine-list tr[data-event]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.event)");

            // The API's first page is empty with a cursor: what the console has to read past.
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("\"events\":[]", body, StringComparison.Ordinal);
            Assert.DoesNotContain("\"next\":null", body, StringComparison.Ordinal);
            Assert.Equal([invalid["id"]!.GetValue<string>()], rows);
        }
        finally
        {
            foreach (var chunk in planted.Chunk(100))
            {
                await table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, e, Azure.ETag.All)));
            }
        }
    }
}

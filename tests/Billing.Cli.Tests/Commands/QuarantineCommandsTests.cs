namespace Billing.Cli.Tests.Commands;

/// <summary><c>billing quarantine list|show</c> against a stub API: options become the query, answers become text.</summary>
public sealed class QuarantineCommandsTests
{
    private const string QuarantineId = "Y2Fycmllci10bW8.ab12";

    /// <summary>Runs <c>billing quarantine show</c> of <see cref="QuarantineId"/> against a stub that answers <paramref name="body"/>.</summary>
    private static Task<(string Out, StubServer.Recorded Request)> ShowAsync(string body) =>
        StubCommandTests.RunOkAsync("GET /api/v1/quarantine/" + QuarantineId, body, "quarantine", "show", QuarantineId);

    [Fact]
    public async Task QuarantineList_OptionsBecomeQueryAndTableShowsReasonIdAndNextPage()
    {
        var (output, request) = await StubCommandTests.RunOkAsync(
            "GET /api/v1/quarantine",
            """{"events":[{"id":"Y2Fycmllci10bW8.ab12","kind":"conflict","source":"carrier-tmo","eventId":"sess-9","reasons":["the id was metered with other content"],"hub":"carrier-offload","quarantinedAt":"2026-10-20T10:00:01Z","rawSha256":"00","rawLength":2}],"next":"Y2Fycmllci10bW8.ab12"}""",
            "quarantine", "list", "--source", "carrier-tmo", "--kind", "conflict", "--from", "2026-10-01", "--limit", "1");

        Assert.Equal("/api/v1/quarantine?source=carrier-tmo&kind=conflict&from=2026-10-01&limit=1", request.PathAndQuery);
        StubCommandTests.AssertContainsAll(output, "conflict", "sess-9", "the id was metered with other content", "2026-10-20 10:00:01Z", "Y2Fycmllci10bW8.ab12", "--after Y2Fycmllci10bW8.ab12");
    }

    [Theory]
    [InlineData("--replayed", "true")]
    [InlineData("--not-replayed", "false")]
    public async Task QuarantineList_ReplayedOrNot_BecomesTheReplayedQuery(string option, string value)
    {
        var (output, request) = await StubCommandTests.RunOkAsync(
            "GET /api/v1/quarantine",
            """{"events":[{"id":"Y2Fycmllci10bW8.ab12","kind":"invalid","source":"carrier-tmo","eventId":"sess-9","reasons":["source: not registered"],"hub":"carrier-offload","quarantinedAt":"2026-10-20T10:00:01Z","replay":{"outcome":"metered","at":"2026-10-21T08:00:00Z","by":"finance"}}],"next":null}""",
            "quarantine", "list", "--kind", "invalid", option);

        Assert.Equal($"/api/v1/quarantine?kind=invalid&replayed={value}", request.PathAndQuery);
        StubCommandTests.AssertContainsAll(output, "invalid (metered)", "sess-9");
    }

    [Fact]
    public async Task QuarantineList_EventSetAsideMoreThanOnce_ShowsItsDeliveriesBesideTheKind()
    {
        var (output, _) = await StubCommandTests.RunOkAsync(
            "GET /api/v1/quarantine",
            """{"events":[{"id":"Y2Fycmllci10bW8.ab12","kind":"invalid","source":"carrier-tmo","eventId":"sess-9","reasons":["source: not registered"],"hub":"carrier-offload","quarantinedAt":"2026-10-20T10:00:01Z","deliveries":3,"replay":{"outcome":"invalid","at":"2026-10-21T08:00:00Z","by":"finance"}},"""
            + """{"id":"Y2Fycmllci10bW8.cd34","kind":"malformed","source":"carrier-tmo","eventId":"sess-10","reasons":["not JSON"],"hub":"carrier-offload","quarantinedAt":"2026-10-20T10:00:02Z","deliveries":1}],"next":null}""",
            "quarantine", "list");

        StubCommandTests.AssertContainsAll(output, "invalid (invalid), 3 deliveries", "sess-9", "sess-10");
        Assert.DoesNotContain("1 deliveries", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuarantineShow_ReplayRecordAndHistory_PrintsTheRecordAndEachReplay()
    {
        var (output, _) = await ShowAsync(
            """{"event":{"id":"Y2Fycmllci10bW8.ab12","kind":"invalid","source":"carrier-tmo","eventId":"sess-9","reasons":["source: not registered"],"hub":"carrier-offload","replay":{"outcome":"metered","at":"2026-10-21T09:00:00Z","by":"finance"},"replays":[{"outcome":"invalid","at":"2026-10-21T08:00:00Z","by":"finance-2"},{"outcome":"metered","at":"2026-10-21T09:00:00Z","by":"finance"}]},"raw":"{}","existingRaw":null}""");

        StubCommandTests.AssertContainsAll(output, "replay record: metered, 2026-10-21T09:00:00.0000000+00:00 by finance", "replayed 2026-10-21T08:00:00.0000000+00:00 by finance-2: invalid",
            "replayed 2026-10-21T09:00:00.0000000+00:00 by finance: metered");
    }

    [Fact]
    public async Task QuarantineShow_PayloadWithControlCharacters_PrintsThemSpelledOutWithBothVersions()
    {
        var (output, request) = await ShowAsync(
            """{"event":{"id":"Y2Fycmllci10bW8.ab12","kind":"malformed","source":null,"eventId":null,"reasons":["not JSON"],"hub":"carrier-offload","partitionId":"3","sequenceNumber":42},"raw":"\u001b[2J{oops","existingRaw":null}""");

        Assert.Equal("/api/v1/quarantine/Y2Fycmllci10bW8.ab12", request.PathAndQuery);
        StubCommandTests.AssertContainsAll(output, "malformed", "(unknown source)", "reason: not JSON", "partition 3, sequence number 42", "\\u001B[2J{oops");
        Assert.DoesNotContain('\u001b', output);
        Assert.DoesNotContain("metered first", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuarantineShow_EventSetAsideThreeTimes_PrintsTheFirstFactsTheDeliveriesAndTheLatestReasons()
    {
        var (output, _) = await ShowAsync(
            """{"event":{"id":"Y2Fycmllci10bW8.ab12","kind":"invalid","source":"carrier-tmo","eventId":"sess-9","reasons":["source: not registered"],"hub":"carrier-offload","partitionId":"3","sequenceNumber":42,"quarantinedAt":"2026-10-21T08:00:00Z","deliveries":3,"lastSeenAt":"2026-10-22T10:00:00Z","lastSequenceNumber":977,"lastPartitionId":"3","latestReasons":["type: \u001b[2Jnot declared"],"latestReasonsAt":"2026-10-21T09:00:00Z"},"raw":"{}","existingRaw":null}""");

        StubCommandTests.AssertContainsAll(output, "quarantined 2026-10-21T08:00:00.0000000+00:00", "partition 3, sequence number 42", "reason: source: not registered",
            "set aside 3 times, last 2026-10-22T10:00:00.0000000+00:00 (partition 3, sequence number 977)",
            "latest reason (2026-10-21T09:00:00.0000000+00:00): type: \\u001B[2Jnot declared");
        Assert.DoesNotContain('\u001b', output);
    }
}

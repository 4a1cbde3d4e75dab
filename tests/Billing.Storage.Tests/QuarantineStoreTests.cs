namespace Billing.Storage.Tests;

[Collection(AzuriteCollection.Name)]
public class QuarantineStoreTests(AzuriteFixture azurite)
{
    private static QuarantinedEvent Bad(string raw, string? source = "carrier-tmo") =>
        new(QuarantineKind.Invalid, raw, ["data.uploadBytes: must be between 0 and 10000000000000"], source, "id-1", "carrier-offload", "3", 42,
            new DateTimeOffset(2026, 10, 20, 10, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 10, 20, 10, 0, 1, TimeSpan.Zero));

    [Fact]
    public async Task AddAsync_LargeRawPayload_IsKeptWholeWithReasons()
    {
        var store = new QuarantineStore(await azurite.NewTablesAsync());
        string raw = "{\"blob\":\"" + new string('z', 100_000) + "\"}";

        await store.AddAsync([Bad(raw)], CancellationToken.None);

        var back = Assert.Single(await store.ListAsync("carrier-tmo", CancellationToken.None));
        Assert.Equal(raw, back.Raw);
        Assert.Equal(["data.uploadBytes: must be between 0 and 10000000000000"], back.Reasons);
        Assert.Equal(("carrier-offload", "3", 42L), (back.Hub, back.PartitionId, back.SequenceNumber));
    }

    [Fact]
    public async Task AddAsync_RedeliveredBadEvent_IsStoredOnce()
    {
        var store = new QuarantineStore(await azurite.NewTablesAsync());

        await store.AddAsync([Bad("{}"), Bad("{}")], CancellationToken.None);
        await store.AddAsync([Bad("{}")], CancellationToken.None);

        Assert.Single(await store.ListAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task AddAsync_UnknownSourceWithHostileText_IsStored()
    {
        var store = new QuarantineStore(await azurite.NewTablesAsync());

        await store.AddAsync([Bad("not json \u0000 / \\ # ?", source: null), Bad("x", source: "we/ird#?")], CancellationToken.None);

        Assert.Equal(2, (await store.ListAsync(null, CancellationToken.None)).Count);
        Assert.Single(await store.ListAsync("we/ird#?", CancellationToken.None));
    }

    [Fact]
    public async Task AddAsync_40ConflictsOf60KiBFromOneSource_AllStoredWithBothVersionsByteExact()
    {
        var store = new QuarantineStore(await azurite.NewTablesAsync());
        string first = "{\"v\":0,\"pad\":\"" + new string('\u20AC', 60_000) + "\"}"; // 3 UTF-8 bytes a character
        var conflicts = Enumerable.Range(1, 40)
            .Select(i => Bad("{\"v\":" + i + ",\"pad\":\"" + new string('<', 60_000) + "\"}") with { Kind = QuarantineKind.Conflict, ExistingRaw = first })
            .ToList();

        await store.AddAsync(conflicts, CancellationToken.None);

        var back = await store.ListAsync("carrier-tmo", CancellationToken.None);
        Assert.Equal(conflicts.Select(c => c.Raw).Order(StringComparer.Ordinal), back.Select(b => b.Raw).Order(StringComparer.Ordinal));
        Assert.All(back, b => Assert.Equal(first, b.ExistingRaw));
    }

    [Fact]
    public async Task AddAsync_RawLargerThanOneEntity_IsSpreadOverContinuationRowsAndReadBackWhole()
    {
        var store = new QuarantineStore(await azurite.NewTablesAsync());
        string raw = "{\"blob\":\"" + string.Concat(Enumerable.Repeat("ab\U0001F600", 125_000)) + "\"}"; // 500,000+ characters

        await store.AddAsync([Bad(raw), Bad("{}")], CancellationToken.None);

        var back = await store.ListAsync("carrier-tmo", CancellationToken.None);
        Assert.Equal(2, back.Count);
        Assert.Contains(back, b => b.Raw == raw);
    }

    [Fact]
    public async Task AddAsync_SourceTooLongForAKey_IsStoredAndListedBySource()
    {
        var store = new QuarantineStore(await azurite.NewTablesAsync());
        string source = string.Concat(Enumerable.Repeat("\U0001F4E1", 100)); // escaped: 1,200 characters

        await store.AddAsync([Bad("{\"source\":\"" + source + "\"}", source)], CancellationToken.None);

        var back = Assert.Single(await store.ListAsync(source, CancellationToken.None));
        Assert.Equal(source, back.Source);
    }

    [Fact]
    public async Task PageAsync_EventsOfTwoSourcesSomeOverContinuationRows_PagesEachOnceWithoutPayloadsAndFiltersBySourceAndKind()
    {
        var store = new QuarantineStore(await azurite.NewTablesAsync());
        string big = "{\"blob\":\"" + new string('y', 400_000) + "\"}"; // over continuation rows
        var events = Enumerable.Range(0, 230).Select(i => Bad(i % 50 == 0 ? big + i : "{\"n\":" + i + "}", i % 3 == 0 ? "carrier-att" : "carrier-tmo")
            with { Kind = i % 4 == 0 ? QuarantineKind.Conflict : QuarantineKind.Invalid, EventId = "e" + i }).ToList();
        await store.AddAsync(events, CancellationToken.None);

        async Task<List<QuarantineEntry>> AllAsync(QuarantineFilter filter, int limit)
        {
            var all = new List<QuarantineEntry>();
            string? after = null;
            do
            {
                var page = await store.PageAsync(filter, after, limit, CancellationToken.None);
                Assert.True(page.Entries.Count <= limit);
                Assert.True(page.Next is null || page.Entries.Count == limit);
                all.AddRange(page.Entries);
                after = page.Next;
            }
            while (after is not null);
            return all;
        }

        var everything = await AllAsync(new QuarantineFilter(null, null, null, null), 37);
        var tmoConflicts = await AllAsync(new QuarantineFilter("carrier-tmo", QuarantineKind.Conflict, null, null), 10);

        Assert.Equal(events.Select(e => e.EventId).Order(StringComparer.Ordinal), everything.Select(e => e.EventId).Order(StringComparer.Ordinal));
        Assert.Equal(everything.Count, everything.Select(e => e.Id).Distinct(StringComparer.Ordinal).Count());
        var bigOne = Assert.Single(everything, e => e.EventId == "e50");
        Assert.Equal(((long)(big + 50).Length, QuarantineKind.Invalid, "carrier-tmo"), (bigOne.RawLength!.Value, bigOne.Kind!.Value, bigOne.Source));
        Assert.Equal(["data.uploadBytes: must be between 0 and 10000000000000"], bigOne.Reasons);
        Assert.Equal(
            events.Where(e => e.Source == "carrier-tmo" && e.Kind == QuarantineKind.Conflict).Select(e => e.EventId).Order(StringComparer.Ordinal),
            tmoConflicts.Select(e => e.EventId).Order(StringComparer.Ordinal));
        Assert.All(tmoConflicts, e => Assert.True(QuarantineStore.IsOfSource(e.Id, "carrier-tmo") && !QuarantineStore.IsOfSource(e.Id, "carrier-att")));
    }

    [Fact]
    public async Task PageAsync_FromAndTo_KeepEventsQuarantinedInTheRange()
    {
        var store = new QuarantineStore(await azurite.NewTablesAsync());
        var day = new DateTimeOffset(2026, 10, 20, 0, 0, 0, TimeSpan.Zero);
        await store.AddAsync(Enumerable.Range(0, 5).Select(i => Bad("{\"n\":" + i + "}") with { EventId = "d" + i, QuarantinedAt = day.AddDays(i) }), CancellationToken.None);

        var page = await store.PageAsync(new QuarantineFilter("carrier-tmo", null, day.AddDays(1), day.AddDays(3)), null, 100, CancellationToken.None);

        Assert.Equal(["d1", "d2"], page.Entries.Select(e => e.EventId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task GetAsync_ConflictOverContinuationRows_ReturnsBothVersionsByteForByte()
    {
        var store = new QuarantineStore(await azurite.NewTablesAsync());
        string first = "{\"v\":0,\"pad\":\"" + string.Concat(Enumerable.Repeat("a\U0001F600", 150_000)) + "\"}";
        string second = "{\"v\":1,\"pad\":\"" + new string('<', 300_000) + "\"}";
        await store.AddAsync([Bad(second) with { Kind = QuarantineKind.Conflict, ExistingRaw = first }, Bad("{}")], CancellationToken.None);
        var entry = Assert.Single((await store.PageAsync(new QuarantineFilter(null, QuarantineKind.Conflict, null, null), null, 10, CancellationToken.None)).Entries);

        var detail = await store.GetAsync(entry.Id, CancellationToken.None);

        Assert.NotNull(detail);
        Assert.Equal((second, first), (detail.Raw, detail.ExistingRaw));
        Assert.Equal(entry with { Reasons = [] }, detail.Entry with { Reasons = [] });
        Assert.Equal(entry.Reasons, detail.Entry.Reasons);
    }

    [Theory]
    [InlineData("")]
    [InlineData("nope")]
    [InlineData("Y2Fycmllci10bW8.0000000000000000000000000000000000000000000000000000000000000000")] // well formed, no such row
    [InlineData("Y2Fycmllci10bW8=.0000000000000000000000000000000000000000000000000000000000000000")] // padded: not the one spelling
    [InlineData("Y2Fycmllci10bW8.00000000000000000000000000000000000000000000000000000000000000000")] // 65 digits
    [InlineData("Y2Fycmllci10bW8.000000000000000000000000000000000000000000000000000000000000000G")]
    public async Task GetAsync_TextThatNamesNoEvent_IsNull(string id)
    {
        var store = new QuarantineStore(await azurite.NewTablesAsync());
        await store.AddAsync([Bad("{}")], CancellationToken.None);

        Assert.Null(await store.GetAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task AddAsync_SameEventSetAsideAgainAfterAReplay_KeepsTheReplayRecord()
    {
        var store = new QuarantineStore(await azurite.NewTablesAsync());
        string raw = "{\"blob\":\"" + new string('r', 400_000) + "\"}"; // over continuation rows, as the largest events are
        var first = Bad(raw);
        await store.AddAsync([first], CancellationToken.None);
        string id = Assert.Single((await store.PageAsync(new QuarantineFilter(null, null, null, null), null, 10, CancellationToken.None)).Entries).Id;
        var replay = new QuarantineReplay("invalid", first.QuarantinedAt.AddHours(1), "finance");
        await store.RecordReplayAsync(id, replay, ["data.uploadBytes: still out of range"], CancellationToken.None);

        await store.AddAsync([first with { QuarantinedAt = first.QuarantinedAt.AddHours(2), SequenceNumber = 43 }], CancellationToken.None); // redelivered, set aside again

        var listed = Assert.Single((await store.PageAsync(new QuarantineFilter(null, null, null, null), null, 10, CancellationToken.None)).Entries);
        var detail = await store.GetAsync(id, CancellationToken.None);
        Assert.Equal((id, replay), (listed.Id, listed.Replay));
        Assert.NotNull(detail);
        Assert.Equal(replay, detail.Entry.Replay);
        Assert.Equal([replay], detail.Entry.Replays);
        Assert.Equal(raw, detail.Raw);
    }

    [Fact]
    public async Task RecordReplayAsync_MoreReplaysThanTheHistoryHolds_KeepsTheNewestAndTheResolution()
    {
        var store = new QuarantineStore(await azurite.NewTablesAsync());
        await store.AddAsync([Bad("{}")], CancellationToken.None);
        string id = Assert.Single((await store.PageAsync(new QuarantineFilter(null, null, null, null), null, 10, CancellationToken.None)).Entries).Id;
        var at = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var replays = Enumerable.Range(0, QuarantineReplay.HistoryLimit + 5)
            .Select(i => new QuarantineReplay(i == 2 ? QuarantineReplay.Metered : i < 2 ? "invalid" : QuarantineReplay.Duplicate, at.AddMinutes(i), "finance-" + i))
            .ToList();

        var standing = new List<QuarantineReplay?>();
        foreach (var replay in replays)
        {
            standing.Add((await store.RecordReplayAsync(id, replay, null, CancellationToken.None))?.Standing);
        }

        var detail = await store.GetAsync(id, CancellationToken.None);
        Assert.NotNull(detail);
        Assert.Equal(replays[2], detail.Entry.Replay); // the replay that metered it stands against every later one
        Assert.Equal(replays.TakeLast(QuarantineReplay.HistoryLimit), detail.Entry.Replays); // oldest first, the oldest dropped
        Assert.All(standing.Skip(2), s => Assert.Equal(replays[2], s));
    }

    [Fact]
    public async Task RecordReplayAsync_ActorNamesAtTheIdentityLimit_HistoryStaysWithinOneProperty()
    {
        var tables = await azurite.NewTablesAsync();
        var store = new QuarantineStore(tables);
        await store.AddAsync([Bad("{}")], CancellationToken.None);
        string id = Assert.Single((await store.PageAsync(new QuarantineFilter(null, null, null, null), null, 10, CancellationToken.None)).Entries).Id;
        var at = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

        for (int i = 0; i < QuarantineReplay.HistoryLimit; i++)
        {
            await store.RecordReplayAsync(id, new QuarantineReplay("invalid", at.AddMinutes(i), i + new string('\u0001', 2_000)), null, CancellationToken.None); // 6 characters each in JSON
        }

        var detail = await store.GetAsync(id, CancellationToken.None);
        Assert.NotNull(detail);
        var history = detail.Entry.Replays!;
        Assert.InRange(history.Count, 1, QuarantineReplay.HistoryLimit - 1);
        Assert.Equal(at.AddMinutes(QuarantineReplay.HistoryLimit - 1), history[^1].At);
        var row = await tables.Quarantine.QueryAsync<TableEntity>(select: ["ReplayHistory"]).FirstAsync();
        Assert.InRange(((string)row["ReplayHistory"]).Length, 1, QuarantineStore.MaxReplayHistoryChars);
    }

    [Fact]
    public async Task PageAsync_ReplayedFilter_PagesEachMatchingEventOnce()
    {
        var store = new QuarantineStore(await azurite.NewTablesAsync());
        await store.AddAsync(Enumerable.Range(0, 40).Select(i => Bad("{\"n\":" + i + "}", i % 2 == 0 ? "carrier-att" : "carrier-tmo") with { EventId = "r" + i }), CancellationToken.None);
        var all = (await store.PageAsync(new QuarantineFilter(null, null, null, null), null, 1000, CancellationToken.None)).Entries;
        var replayed = all.Where((_, i) => i % 3 == 1 || i is 5 or 6 or 7 or 8).Select(e => e.EventId).ToHashSet(StringComparer.Ordinal);
        foreach (var e in all.Where(e => replayed.Contains(e.EventId!)))
        {
            await store.RecordReplayAsync(e.Id, new QuarantineReplay("invalid", DateTimeOffset.UnixEpoch, "finance"), null, CancellationToken.None);
        }

        async Task<List<QuarantineEntry>> AllAsync(QuarantineFilter filter, int limit)
        {
            var entries = new List<QuarantineEntry>();
            string? after = null;
            do
            {
                var page = await store.PageAsync(filter, after, limit, CancellationToken.None);
                Assert.True(page.Entries.Count <= limit && (page.Next is null || page.Entries.Count == limit));
                entries.AddRange(page.Entries);
                after = page.Next;
            }
            while (after is not null);
            return entries;
        }

        var yes = await AllAsync(new QuarantineFilter(null, null, null, null, Replayed: true), 4);
        var no = await AllAsync(new QuarantineFilter(null, null, null, null, Replayed: false), 3);
        var tmoYes = await AllAsync(new QuarantineFilter("carrier-tmo", null, null, null, Replayed: true), 2);

        Assert.Equal(replayed.Order(StringComparer.Ordinal), yes.Select(e => e.EventId!).Order(StringComparer.Ordinal)); // each once: none skipped, none repeated
        Assert.All(yes, e => Assert.NotNull(e.Replay));
        Assert.Equal(all.Select(e => e.EventId!).Except(replayed).Order(StringComparer.Ordinal), no.Select(e => e.EventId!).Order(StringComparer.Ordinal));
        Assert.All(no, e => Assert.Null(e.Replay));
        Assert.Equal(yes.Where(e => e.Source == "carrier-tmo").Select(e => e.Id), tmoYes.Select(e => e.Id));
    }

    [Fact]
    public async Task PageAsync_FewMatchesAmongManyRows_EachPageStopsAtItsReadBudgetWithACursorAndPagingFindsThemAll()
    {
        // replayed=false is decided on each row as it is read (Table Storage cannot select an absent property), so without a
        // budget one page of the events never replayed read every replayed row first: the whole quarantine, after an incident.
        var tables = await azurite.NewTablesAsync();
        var setup = new QuarantineStore(tables);
        var store = new QuarantineStore(tables) { ScanBudget = 8 };
        await setup.AddAsync(Enumerable.Range(0, 30).Select(i => Bad("{\"n\":" + i + "}") with { EventId = "e" + i }), CancellationToken.None);
        var all = (await setup.PageAsync(new QuarantineFilter(null, null, null, null), null, 1000, CancellationToken.None)).Entries;
        Assert.Equal(30, all.Count);
        foreach (var e in all.Take(28))
        {
            await setup.RecordReplayAsync(e.Id, new QuarantineReplay("invalid", DateTimeOffset.UnixEpoch, "finance"), null, CancellationToken.None);
        }

        var pages = new List<QuarantinePage>();
        string? after = null;
        do
        {
            var page = await store.PageAsync(new QuarantineFilter(null, null, null, null, Replayed: false), after, 100, CancellationToken.None);
            pages.Add(page);
            after = page.Next;
        }
        while (after is not null && pages.Count < 50);

        Assert.Empty(pages[0].Entries);
        Assert.NotNull(pages[0].Next);
        Assert.InRange(pages.Count, 30 / 8, 30 / 8 + 1);
        Assert.Equal(all.Skip(28).Select(e => e.Id), pages.SelectMany(p => p.Entries).Select(e => e.Id));
    }

    [Fact]
    public async Task PageAsync_RowWithPlantedValuesOfOtherTypes_IsListedAndTheOthersToo()
    {
        var tables = await azurite.NewTablesAsync();
        var store = new QuarantineStore(tables);
        await store.AddAsync([Bad("{\"n\":1}") with { EventId = "planted" }, Bad("{\"n\":2}") with { EventId = "plain" }], CancellationToken.None);
        var planted = Assert.Single((await store.PageAsync(new QuarantineFilter(null, null, null, null), null, 10, CancellationToken.None)).Entries, e => e.EventId == "planted");
        Assert.True(QuarantineStore.IsId(planted.Id));
        string rowKey = planted.Id[(planted.Id.IndexOf('.', StringComparison.Ordinal) + 1)..];
        await tables.Quarantine.UpdateEntityAsync(
            new TableEntity(QuarantineStore.PartitionKeyFor("carrier-tmo"), rowKey) { ["Kind"] = 7, ["Reasons"] = 1.5, ["QuarantinedAt"] = "yesterday", ["RawChunks"] = "two", ["Rows"] = "x" },
            ETag.All, TableUpdateMode.Merge);

        var page = await store.PageAsync(new QuarantineFilter(null, null, null, null), null, 10, CancellationToken.None);
        var all = await store.ListAsync(null, CancellationToken.None);
        var detail = await store.GetAsync(planted.Id, CancellationToken.None);

        var shown = Assert.Single(page.Entries, e => e.EventId == "planted");
        Assert.Equal(((QuarantineKind?)null, 0, (DateTimeOffset?)null), (shown.Kind, shown.Reasons.Count, shown.QuarantinedAt));
        Assert.Contains(page.Entries, e => e.EventId == "plain");
        Assert.Equal(2, all.Count);
        Assert.NotNull(detail);
    }

    [Theory]
    [InlineData("RawChunks", 10_000_000L)] // before: ten million chunk names looked up, and the payload answered as if whole
    [InlineData("RawChunks", long.MaxValue)] // before: a read that never ended
    [InlineData("ExistingRawChunks", long.MaxValue)]
    [InlineData("RawChunks", -1L)]
    public async Task GetAsync_RowNamingMoreChunksThanTheLayoutWrites_IsUnreadableAndTheOthersStillList(string property, long count)
    {
        var tables = await azurite.NewTablesAsync();
        var store = new QuarantineStore(tables);
        await store.AddAsync([Bad("{\"n\":1}") with { EventId = "planted" }, Bad("{\"n\":2}") with { EventId = "plain" }], CancellationToken.None);
        var entries = (await store.PageAsync(new QuarantineFilter(null, null, null, null), null, 10, CancellationToken.None)).Entries;
        var planted = Assert.Single(entries, e => e.EventId == "planted");
        string rowKey = planted.Id[(planted.Id.IndexOf('.', StringComparison.Ordinal) + 1)..];
        await tables.Quarantine.UpdateEntityAsync(new TableEntity(QuarantineStore.PartitionKeyFor("carrier-tmo"), rowKey) { [property] = count }, ETag.All, TableUpdateMode.Merge);

        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetAsync(planted.Id, CancellationToken.None));
        var page = await store.PageAsync(new QuarantineFilter(null, null, null, null), null, 10, CancellationToken.None);
        var plain = await store.GetAsync(Assert.Single(page.Entries, e => e.EventId == "plain").Id, CancellationToken.None);

        Assert.Contains($"property '{property}'", refused.Message, StringComparison.Ordinal);
        Assert.Contains(page.Entries, e => e.EventId == "planted"); // listed as it reads; only its payload is refused
        Assert.Equal("{\"n\":2}", plain!.Raw);
    }

    [Fact]
    public async Task GetAsync_ContinuationRowDeleted_IsUnreadableNotAShortenedPayload()
    {
        var tables = await azurite.NewTablesAsync();
        var store = new QuarantineStore(tables);
        string raw = "{\"blob\":\"" + new string('z', 200_000) + "\"}";
        await store.AddAsync([Bad(raw)], CancellationToken.None);
        string id = Assert.Single((await store.PageAsync(new QuarantineFilter(null, null, null, null), null, 10, CancellationToken.None)).Entries).Id;
        string rowKey = id[(id.IndexOf('.', StringComparison.Ordinal) + 1)..];
        await tables.Quarantine.DeleteEntityAsync(QuarantineStore.PartitionKeyFor("carrier-tmo"), rowKey + "-1");

        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetAsync(id, CancellationToken.None));

        Assert.Contains("missing", refused.Message, StringComparison.Ordinal);
        Assert.Contains("property 'Raw", refused.Message, StringComparison.Ordinal);
    }
}

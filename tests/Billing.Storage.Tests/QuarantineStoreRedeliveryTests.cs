namespace Billing.Storage.Tests;

/// <summary>The same event set aside again (a redelivered batch, a re-send): the row keeps what was seen first and counts the deliveries.</summary>
[Collection(AzuriteCollection.Name)]
public class QuarantineStoreRedeliveryTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset FirstSeen = new(2026, 10, 20, 10, 0, 1, TimeSpan.Zero);

    private static QuarantinedEvent Bad(string raw) =>
        new(QuarantineKind.Invalid, raw, ["data.uploadBytes: must be between 0 and 10000000000000"], "carrier-tmo", "id-1", "carrier-offload", "3", 42,
            new DateTimeOffset(2026, 10, 20, 10, 0, 0, TimeSpan.Zero), FirstSeen);

    private static async Task<QuarantineEntry> OnlyEntryAsync(QuarantineStore store) =>
        Assert.Single((await store.PageAsync(new QuarantineFilter(null, null, null, null), null, 10, CancellationToken.None)).Entries);

    [Fact]
    public async Task AddAsync_SameEventRedeliveredWithOtherPositionAndReasons_KeepsWhatWasSeenFirst()
    {
        var store = new QuarantineStore(await azurite.NewTablesAsync());
        var first = Bad("{\"n\":1}");
        await store.AddAsync([first], CancellationToken.None);

        await store.AddAsync([first with { QuarantinedAt = FirstSeen.AddHours(3), SequenceNumber = 977, PartitionId = "5", Reasons = ["partner: unknown"] }], CancellationToken.None);

        var entry = await OnlyEntryAsync(store);
        Assert.Equal((FirstSeen, 42L, "3"), (entry.QuarantinedAt, entry.SequenceNumber, entry.PartitionId));
        Assert.Equal(first.Reasons, entry.Reasons);
    }

    [Fact]
    public async Task AddAsync_SameEventThreeTimes_CountsThemAndKeepsTheLastTimeAndPosition()
    {
        var store = new QuarantineStore(await azurite.NewTablesAsync());
        var first = Bad("{\"n\":2}");
        await store.AddAsync([first], CancellationToken.None);
        var once = await OnlyEntryAsync(store);

        await store.AddAsync([first with { QuarantinedAt = FirstSeen.AddMinutes(5), SequenceNumber = 50 }], CancellationToken.None);
        await store.AddAsync([first with { QuarantinedAt = FirstSeen.AddMinutes(9), SequenceNumber = 61, PartitionId = "7" }], CancellationToken.None);

        var entry = await OnlyEntryAsync(store);
        Assert.Equal((1L, FirstSeen, 42L, "3"), (once.Deliveries, once.LastSeenAt, once.LastSequenceNumber, once.LastPartitionId)); // seen once: last is first
        Assert.Equal((3L, FirstSeen.AddMinutes(9), 61L, "7"), (entry.Deliveries, entry.LastSeenAt, entry.LastSequenceNumber, entry.LastPartitionId));
        Assert.Equal((FirstSeen, 42L, "3"), (entry.QuarantinedAt, entry.SequenceNumber, entry.PartitionId));
        Assert.Null(entry.LatestReasons); // the same reasons every time
    }

    [Fact]
    public async Task AddAsync_RedeliveryWithAPartitionButNoSequenceNumber_KeepsTheLastWholePosition()
    {
        var store = new QuarantineStore(await azurite.NewTablesAsync());
        var first = Bad("{\"n\":3}");
        await store.AddAsync([first], CancellationToken.None);

        await store.AddAsync([first with { QuarantinedAt = FirstSeen.AddMinutes(5), SequenceNumber = null, PartitionId = "5" }], CancellationToken.None);

        // Before, the partition of this delivery was shown with the sequence number of the first: a position no delivery had.
        var entry = await OnlyEntryAsync(store);
        Assert.Equal((2L, FirstSeen.AddMinutes(5), 42L, "3"), (entry.Deliveries, entry.LastSeenAt, entry.LastSequenceNumber, entry.LastPartitionId));
    }

    [Fact]
    public async Task AddAsync_RedeliveryWithOtherReasons_KeepsThemAsLatestBesideTheFirstAndThePayloadAsStored()
    {
        var store = new QuarantineStore(await azurite.NewTablesAsync());
        string raw = "{\"blob\":\"" + string.Concat(Enumerable.Repeat("ab\U0001F600", 100_000)) + "\"}"; // over continuation rows
        var first = Bad(raw);
        await store.AddAsync([first], CancellationToken.None);

        await store.AddAsync([first with { QuarantinedAt = FirstSeen.AddHours(1), Reasons = ["type: 'x' is not declared", "partner: unknown"] }], CancellationToken.None);
        await store.AddAsync([first with { QuarantinedAt = FirstSeen.AddHours(2) }], CancellationToken.None); // the first reasons again

        var entry = await OnlyEntryAsync(store);
        var detail = await store.GetAsync(entry.Id, CancellationToken.None);
        Assert.Equal(first.Reasons, entry.Reasons);
        Assert.Equal(["type: 'x' is not declared", "partner: unknown"], entry.LatestReasons);
        Assert.Equal((FirstSeen.AddHours(1), FirstSeen.AddHours(2), 3L), (entry.LatestReasonsAt, entry.LastSeenAt, entry.Deliveries));
        Assert.NotNull(detail);
        Assert.Equal(raw, detail.Raw);
        Assert.Equal((entry.Deliveries, entry.LastSeenAt, entry.LatestReasonsAt), (detail.Entry.Deliveries, detail.Entry.LastSeenAt, detail.Entry.LatestReasonsAt));
        Assert.Equal(entry.LatestReasons, detail.Entry.LatestReasons);
    }

    [Fact]
    public async Task AddAsync_SameEventFromSixHostsAtOnce_CountsEveryDeliveryAndKeepsOneFirstWhole()
    {
        var tables = await azurite.NewTablesAsync();
        var first = Bad("{\"n\":3}");
        // Each host's batch also holds an event of its own, so the event meets both the batch transaction and the single-event path.
        var deliveries = Enumerable.Range(0, 6)
            .Select(i => new[] { first with { QuarantinedAt = FirstSeen.AddSeconds(i), SequenceNumber = 100 + i, Reasons = ["host " + i] }, Bad("{\"own\":" + i + "}") })
            .ToList();

        await Task.WhenAll(deliveries.Select(batch => Task.Run(() => new QuarantineStore(tables).AddAsync(batch, CancellationToken.None))));

        var store = new QuarantineStore(tables);
        var entries = (await store.PageAsync(new QuarantineFilter(null, null, null, null), null, 100, CancellationToken.None)).Entries;
        Assert.Equal(7, entries.Count);
        var entry = Assert.Single(entries, e => e.Deliveries > 1);
        Assert.Equal(6L, entry.Deliveries);
        int host = (int)(entry.SequenceNumber!.Value - 100); // whichever host stored it first: its facts, all of them
        Assert.Equal(FirstSeen.AddSeconds(host), entry.QuarantinedAt);
        Assert.Equal(["host " + host], entry.Reasons);
        Assert.All(entries.Where(e => e.Id != entry.Id), e => Assert.Equal(1L, e.Deliveries));
    }

    [Fact]
    public async Task AddAsync_RowStoredBeforeDeliveriesWereCounted_ReadsAsOneDeliveryAndCountsTheNext()
    {
        var tables = await azurite.NewTablesAsync();
        var store = new QuarantineStore(tables);
        var first = Bad("{\"n\":4}");
        // A row as the code before delivery counting wrote it: no delivery columns.
        await tables.Quarantine.AddEntityAsync(new TableEntity(QuarantineStore.PartitionKeyFor(first.Source), QuarantineStore.RowKeyFor(first))
        {
            ["Kind"] = "Invalid", ["Reasons"] = first.Reasons[0], ["Source"] = first.Source, ["EventId"] = first.EventId, ["Hub"] = first.Hub,
            ["PartitionId"] = first.PartitionId, ["SequenceNumber"] = first.SequenceNumber, ["EnqueuedTime"] = first.EnqueuedTime,
            ["QuarantinedAt"] = first.QuarantinedAt, ["RawSha256"] = "0", ["RawLength"] = first.Raw.Length, ["RawChunks"] = 1, ["Raw0"] = first.Raw, ["Rows"] = 1,
        });
        var old = await OnlyEntryAsync(store);

        await store.AddAsync([first with { QuarantinedAt = FirstSeen.AddDays(1), SequenceNumber = 9 }], CancellationToken.None);

        var entry = await OnlyEntryAsync(store);
        Assert.Equal((1L, FirstSeen, 42L, "3", (IReadOnlyList<string>?)null), (old.Deliveries, old.LastSeenAt, old.LastSequenceNumber, old.LastPartitionId, old.LatestReasons));
        Assert.Equal((2L, FirstSeen.AddDays(1), 9L, FirstSeen, 42L), (entry.Deliveries, entry.LastSeenAt, entry.LastSequenceNumber, entry.QuarantinedAt, entry.SequenceNumber));
        Assert.Equal(first.Raw, (await store.GetAsync(entry.Id, CancellationToken.None))?.Raw);
    }

    [Fact]
    public async Task AddAsync_RedeliveryOfAReplayedEvent_KeepsTheReplayRecordHistoryAndFirstReasons()
    {
        var store = new QuarantineStore(await azurite.NewTablesAsync());
        var first = Bad("{\"n\":5}");
        await store.AddAsync([first], CancellationToken.None);
        string id = (await OnlyEntryAsync(store)).Id;
        var replays = new[] { new QuarantineReplay("invalid", FirstSeen.AddHours(1), "finance"), new QuarantineReplay("invalid", FirstSeen.AddHours(2), "finance-2") };
        var recorded = await store.RecordReplayAsync(id, replays[0], ["data.uploadBytes: still out of range"], CancellationToken.None);
        await store.RecordReplayAsync(id, replays[1], first.Reasons, CancellationToken.None);

        await store.AddAsync([first with { QuarantinedAt = FirstSeen.AddHours(3), SequenceNumber = 43 }], CancellationToken.None);

        var detail = await store.GetAsync(id, CancellationToken.None);
        Assert.NotNull(detail);
        Assert.Equal((IReadOnlyList<string>?)["data.uploadBytes: still out of range"], recorded?.LatestReasons);
        Assert.Equal((replays[1], 2L, FirstSeen.AddHours(3), 43L), (detail.Entry.Replay, detail.Entry.Deliveries, detail.Entry.LastSeenAt, detail.Entry.LastSequenceNumber));
        Assert.Equal(replays, detail.Entry.Replays);
        Assert.Equal(first.Reasons, detail.Entry.Reasons); // a replay's reasons do not replace the first either
        Assert.Equal((IReadOnlyList<string>?)["data.uploadBytes: still out of range"], detail.Entry.LatestReasons);
        Assert.Equal((FirstSeen.AddHours(1), FirstSeen, 42L), (detail.Entry.LatestReasonsAt, detail.Entry.QuarantinedAt, detail.Entry.SequenceNumber));
    }

    [Fact]
    public async Task AddAsync_StubStoredWhenThePayloadWasRefused_GainsThePayloadSourceEventIdAndReasonsOfTheNextDelivery()
    {
        var tables = await azurite.NewTablesAsync();
        var store = new QuarantineStore(tables);
        var first = Bad("{\"n\":6}");
        // The stub a refused main row leaves: its kind, position, time, the payload's digest and length, and why (no source, id or reasons).
        await tables.Quarantine.AddEntityAsync(new TableEntity(QuarantineStore.PartitionKeyFor(first.Source), QuarantineStore.RowKeyFor(first))
        {
            ["Kind"] = "Invalid", ["Hub"] = first.Hub, ["PartitionId"] = first.PartitionId, ["SequenceNumber"] = first.SequenceNumber,
            ["EnqueuedTime"] = first.EnqueuedTime, ["QuarantinedAt"] = first.QuarantinedAt, ["RawSha256"] = "0", ["RawLength"] = first.Raw.Length,
            ["Unstored"] = "storage refused the row: 400 PropertyValueTooLarge",
        });

        await store.AddAsync([first with { QuarantinedAt = FirstSeen.AddHours(1), SequenceNumber = 77 }], CancellationToken.None);

        var entry = await OnlyEntryAsync(store);
        Assert.Equal(first.Raw, (await store.GetAsync(entry.Id, CancellationToken.None))?.Raw);
        Assert.Equal((first.Source, first.EventId, (string?)null), (entry.Source, entry.EventId, entry.Unstored));
        Assert.Equal(first.Reasons, entry.Reasons);
        Assert.Null(entry.LatestReasons); // the stub kept none: these are the first known
        Assert.Equal((2L, FirstSeen, 77L), (entry.Deliveries, entry.QuarantinedAt, entry.LastSequenceNumber));
    }

    [Fact]
    public async Task AddAsync_RowWithAPlantedDeliveryCountAtTheMaximum_DoesNotFailTheBatch()
    {
        var tables = await azurite.NewTablesAsync();
        var store = new QuarantineStore(tables);
        var first = Bad("{\"n\":7}");
        await store.AddAsync([first], CancellationToken.None);
        await tables.Quarantine.UpsertEntityAsync(
            new TableEntity(QuarantineStore.PartitionKeyFor(first.Source), QuarantineStore.RowKeyFor(first)) { ["Deliveries"] = long.MaxValue }, TableUpdateMode.Merge);
        var other = Bad("{\"n\":8}");

        await store.AddAsync([first with { QuarantinedAt = FirstSeen.AddHours(1), SequenceNumber = 43 }, other], CancellationToken.None);

        var entries = (await store.PageAsync(new QuarantineFilter(null, null, null, null), null, 10, CancellationToken.None)).Entries;
        Assert.Equal(2, entries.Count);
        Assert.Contains(entries, e => e.Deliveries == long.MaxValue && e.LastSequenceNumber == 43);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task AddAsync_OldRowStoredWithoutSomeContinuationRows_RestoresThePayloadFromTheRedeliveryAndKeepsWhatWasSeenFirst(int planted)
    {
        var tables = await azurite.NewTablesAsync();
        var store = new QuarantineStore(tables);
        string raw = "{\"blob\":\"" + string.Concat(Enumerable.Repeat("ab\U0001F600", 100_000)) + "\"}"; // a main row and two continuation rows
        var first = Bad(raw);
        // As the code before delivery counting left an event when it failed between transactions: the main row (written in the
        // first one, without delivery columns) and only the continuation rows written with it.
        var rows = QuarantineRowLayout.Rows(QuarantineStore.PartitionKeyFor(first.Source), first);
        Assert.Equal(3, rows.Count);
        foreach (var row in rows.Take(planted))
        {
            await tables.Quarantine.AddEntityAsync(row);
        }

        string id = (await OnlyEntryAsync(store)).Id;
        await Assert.ThrowsAsync<InvalidDataException>(() => store.GetAsync(id, CancellationToken.None)); // unreadable, never a shortened payload

        // Longer reasons: this delivery lays its payload out on rows other than the stored main row says.
        string[] reasons = [new string('r', 20_000)];
        await store.AddAsync([first with { QuarantinedAt = FirstSeen.AddHours(1), SequenceNumber = 43, Reasons = reasons }], CancellationToken.None);

        var detail = await store.GetAsync(id, CancellationToken.None);
        Assert.NotNull(detail);
        Assert.Equal(raw, detail.Raw);
        Assert.Equal((FirstSeen, 42L), (detail.Entry.QuarantinedAt, detail.Entry.SequenceNumber));
        Assert.Equal(first.Reasons, detail.Entry.Reasons);
        Assert.Equal((2L, FirstSeen.AddHours(1), 43L), (detail.Entry.Deliveries, detail.Entry.LastSeenAt, detail.Entry.LastSequenceNumber));
        Assert.Equal(reasons, detail.Entry.LatestReasons);
        Assert.Equal(raw, Assert.Single(await store.ListAsync(first.Source, CancellationToken.None)).Raw);
    }

    [Fact]
    public async Task AddAsync_OldRowWhoseMissingChunksNeedMoreRowsThanItNames_RestoresThemOnRowsBeyondAndCountsThem()
    {
        var tables = await azurite.NewTablesAsync();
        var store = new QuarantineStore(tables);
        string raw = "{\"blob\":\"" + new string('z', 400_000) + "\"}";
        var first = Bad(raw);
        var main = QuarantineRowLayout.Rows(QuarantineStore.PartitionKeyFor(first.Source), first)[0];
        Assert.Equal(3L, QuarantineRows.Integer(main, "Rows"));
        main["Rows"] = 2; // planted: laid out with a main row that held more than this one does
        await tables.Quarantine.AddEntityAsync(main);

        await store.AddAsync([first with { QuarantinedAt = FirstSeen.AddHours(1) }], CancellationToken.None);

        var entry = await OnlyEntryAsync(store);
        Assert.Equal(raw, (await store.GetAsync(entry.Id, CancellationToken.None))?.Raw);
        Assert.Equal((2L, FirstSeen), (entry.Deliveries, entry.QuarantinedAt));
        Assert.Equal(3, (await tables.Quarantine.GetEntityAsync<TableEntity>(main.PartitionKey, main.RowKey)).Value.GetInt32("Rows"));
    }

    [Fact]
    public async Task AddAsync_OldRowWithoutContinuationRowsAndADifferentStoredDigest_IsNotFilledFromTheRedelivery()
    {
        var tables = await azurite.NewTablesAsync();
        var store = new QuarantineStore(tables);
        var first = Bad("{\"blob\":\"" + new string('x', 400_000) + "\"}");
        var main = QuarantineRowLayout.Rows(QuarantineStore.PartitionKeyFor(first.Source), first)[0];
        main["RawSha256"] = "0"; // planted: the row does not say it keeps this payload
        await tables.Quarantine.AddEntityAsync(main);

        await store.AddAsync([first with { QuarantinedAt = FirstSeen.AddHours(1) }], CancellationToken.None);

        var entry = await OnlyEntryAsync(store);
        Assert.Equal(2L, entry.Deliveries);
        Assert.Empty(tables.Quarantine.Query<TableEntity>(e => e.RowKey != main.RowKey));
    }

    [Fact]
    public async Task AddAsync_EventOverOneTransactionRedelivered_KeepsWhatWasSeenFirstAndCountsTheDeliveries()
    {
        var store = new QuarantineStore(await azurite.NewTablesAsync());
        string raw = "{\"blob\":\"" + new string('y', 700_000) + "\"}"; // over 3 MiB as a transaction estimates it
        var first = Bad(raw);
        Assert.True(QuarantineRowLayout.Rows("p", first).Sum(QuarantineRowLayout.WireBytes) > 3 * 1024 * 1024);
        await store.AddAsync([first], CancellationToken.None);

        await store.AddAsync([first with { QuarantinedAt = FirstSeen.AddHours(1), SequenceNumber = 50, PartitionId = "6", Reasons = ["partner: unknown"] }], CancellationToken.None);
        await store.AddAsync([first with { QuarantinedAt = FirstSeen.AddHours(2), SequenceNumber = 51 }], CancellationToken.None);

        var entry = await OnlyEntryAsync(store);
        Assert.Equal((FirstSeen, 42L, "3"), (entry.QuarantinedAt, entry.SequenceNumber, entry.PartitionId));
        Assert.Equal(first.Reasons, entry.Reasons);
        Assert.Equal((3L, FirstSeen.AddHours(2), 51L, "3"), (entry.Deliveries, entry.LastSeenAt, entry.LastSequenceNumber, entry.LastPartitionId));
        Assert.Equal((IReadOnlyList<string>?)["partner: unknown"], entry.LatestReasons);
        Assert.Equal(raw, (await store.GetAsync(entry.Id, CancellationToken.None))?.Raw);
    }

    [Fact]
    public async Task AddAsync_RowChangedBeforeEveryMerge_ThrowsATransientConflictAfterSixteenAttempts()
    {
        var changes = new GuardedMerges();
        var tables = await azurite.NewTablesAsync(client: changes.Options());
        var store = new QuarantineStore(tables);
        var first = Bad("{\"n\":9}");
        await store.AddAsync([first], CancellationToken.None);
        var other = new TableClient(azurite.ConnectionString, tables.Quarantine.Name); // without the policy
        int n = 0;
        changes.Before = () => other.UpsertEntityAsync(
            new TableEntity(QuarantineStore.PartitionKeyFor(first.Source), QuarantineStore.RowKeyFor(first)) { ["Touched"] = ++n }, TableUpdateMode.Merge);

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => store.AddAsync([first with { QuarantinedAt = FirstSeen.AddHours(1) }], CancellationToken.None));

        Assert.Equal(412, ex.Status);
        Assert.False(StorageFailure.IsDeterministic(ex)); // the invocation fails and is retried
        Assert.Equal(16, changes.Count);
        Assert.Equal(1L, (await OnlyEntryAsync(store)).Deliveries); // no merge went through
    }

    [Fact]
    public async Task AddAsync_MergeTheServiceRefusesOnAPlantedRow_StoresTheRestOfTheBatch()
    {
        var merges = new GuardedMerges();
        var tables = await azurite.NewTablesAsync(client: merges.Options());
        var store = new QuarantineStore(tables);
        var first = Bad("{\"n\":10}");
        await store.AddAsync([first], CancellationToken.None);
        // Planted: 240 more properties, so the delivery columns a merge adds pass the 252 an entity may have. Azure refuses
        // such a merge; Azurite checks only the request, so the policy answers for it.
        var planted = new TableEntity(QuarantineStore.PartitionKeyFor(first.Source), QuarantineStore.RowKeyFor(first));
        for (int i = 0; i < 240; i++)
        {
            planted["P" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = i;
        }

        await tables.Quarantine.UpsertEntityAsync(planted, TableUpdateMode.Merge);
        merges.Before = () => throw new RequestFailedException(400, "The entity would have more than 252 properties.", "TooManyProperties", null);
        var other = Bad("{\"n\":11}");

        await store.AddAsync([first with { QuarantinedAt = FirstSeen.AddHours(1), SequenceNumber = 43, Reasons = ["partner: unknown"] }, other], CancellationToken.None);

        var entries = (await store.PageAsync(new QuarantineFilter(null, null, null, null), null, 10, CancellationToken.None)).Entries;
        Assert.Equal(2, entries.Count);
        var kept = Assert.Single(entries, e => e.Id != QuarantineRows.Id(planted.PartitionKey, planted.RowKey));
        Assert.Equal(other.Raw, (await store.GetAsync(kept.Id, CancellationToken.None))?.Raw);
        Assert.Equal((1L, 1), (Assert.Single(entries, e => e.Id != kept.Id).Deliveries, merges.Count)); // refused once: the row as first stored stands
    }
}

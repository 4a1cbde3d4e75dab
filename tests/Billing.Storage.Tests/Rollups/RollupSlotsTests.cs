using static Billing.Storage.Tests.Rollups.HandWrittenRollupRows;
using static Billing.Tests.Shared.SampleFacts;

namespace Billing.Storage.Tests.Rollups;

/// <summary>
/// The slot layout of rollup rows (docs/design.md §6): where each group goes, what reads back, rows of the earlier layout
/// and of another number of slots, the service's size limits, and what an update carries.
/// </summary>
public class RollupSlotsTests
{
    private static readonly DateTimeOffset Hour = new(2026, 10, 20, 9, 0, 0, TimeSpan.Zero);

    /// <summary>A fine hour bucket of <paramref name="hotspots"/> hotspots, each with both carrier meters (two groups of one place).</summary>
    private static RollupBucket HourOf(int hotspots, Func<int, string>? name = null)
    {
        var bucket = RollupBucket.Empty(UsageWindow.Hour, Hour);
        for (int i = 0; i < hotspots; i++)
        {
            bucket.Add(Carrier($"f-{i}", 1000 + i, Hour.AddSeconds(i), hotspot: name?.Invoke(i) ?? $"hs-{i:D4}").Fact);
        }

        return bucket;
    }

    private static List<(RollupKey Key, Int128 Sum)> GroupsIn(TableEntity row, string property) => [.. RollupGroupText.Decode(row.GetString(property))];

    [Fact]
    public void ToEntity_FineBucket_EachGroupInItsSlotAndReadBackTheSame()
    {
        var bucket = HourOf(300);

        var row = RollupCodec.ToEntity("p", bucket);

        Assert.Equal(RollupSlots.Count, Assert.IsType<int>(row["S0"])); // not text: an earlier version reads the row as unreadable, not as empty
        Assert.DoesNotContain("S1", row.Keys);
        var slots = row.Keys.Where(IsSlot).ToList();
        Assert.InRange(slots.Count, 100, RollupSlots.Count);
        foreach (var slot in slots)
        {
            Assert.All(GroupsIn(row, slot), g => Assert.Equal(slot, "G" + Slot(g.Key, RollupSlots.Count)));
        }

        Assert.Equal(600, slots.Sum(s => GroupsIn(row, s).Count));
        var read = RollupCodec.FromEntity(row);
        Assert.Equal(RollupDetail.Fine, read.Detail);
        Assert.True(read.SameSums(bucket));
    }

    [Fact]
    public void ToEntity_GroupsOfOneFact_ShareASlot()
    {
        var row = RollupCodec.ToEntity("p", HourOf(1));

        var slot = Assert.Single(row.Keys, IsSlot);
        Assert.Equal([Meters.OffloadBytes, Meters.OffloadSessions], GroupsIn(row, slot).Select(g => g.Key.Meter));
    }

    public static TheoryData<string, int> EarlierRows => new()
    {
        { "fine hour, one chunk", 20 },
        { "fine hour, the text cut inside a group into S0 and S1", 180 },
    };

    [Theory]
    [MemberData(nameof(EarlierRows))]
    public void FromEntity_RowOfTheEarlierLayout_ReadsTheSameSums(string row, int hotspots)
    {
        var bucket = HourOf(hotspots, i => $"hs-{i:D4}-" + new string('x', 100));
        var earlier = EarlierLayout("p", bucket);
        Assert.Equal(hotspots > 100 ? 2 : 1, GroupProperties(earlier).Count); // what the case is about: {row}

        var read = RollupCodec.FromEntity(earlier);

        Assert.Equal(RollupDetail.Fine, read.Detail);
        Assert.True(read.SameSums(bucket), row);
    }

    [Fact]
    public void FromEntity_MonthRowAsTheEarlierCodecStoredIt_ReadsItsGroupsAndTotals()
    {
        // A month row of the e2e benchmark, as the codec before 2026-12 sent it to storage.
        var stored = new TableEntity("carrier-tmo|01", "r|m|202612")
        {
            ["Start"] = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero),
            ["Detail"] = "Coarse",
            ["Groups"] = 6,
            ["S0"] = "offload.bytes|carrier-tmo||cbrs=284827878356;offload.bytes|carrier-tmo||nr=267415836371;offload.bytes|carrier-tmo||wlan=296313420044;"
                + "offload.sessions|carrier-tmo||cbrs=1048;offload.sessions|carrier-tmo||nr=985;offload.sessions|carrier-tmo||wlan=1065",
            ["Totals"] = "offload.bytes=848557134771;offload.sessions=3098",
        };

        var bucket = RollupCodec.FromEntity(stored);

        Assert.Equal(RollupDetail.Coarse, bucket.Detail);
        Assert.Equal(6, bucket.Count);
        Assert.True(bucket.TryGetSum(new RollupKey(Meters.OffloadBytes, "carrier-tmo", ["", "nr"]), out var nr) && nr == 267_415_836_371);
        Assert.Equal(3098, bucket.Total(Meters.OffloadSessions));
        var rewritten = RollupCodec.ToEntity("carrier-tmo|01", bucket); // its next write: the slot layout
        Assert.IsType<int>(rewritten["S0"]);
        Assert.True(RollupCodec.FromEntity(rewritten).SameSums(bucket));
    }

    public static TheoryData<string> Tamperings => ["a group in another slot", "a group twice", "a fine group in a coarse row", "count as a long", "count of 0", "count past the property limit", "a slot that is not text", "a slot that is no group"];

    [Theory]
    [MemberData(nameof(Tamperings))]
    public void FromEntity_SlotsThatCouldCountAGroupTwice_AreAnOverflowBucket(string tampering)
    {
        var month = RollupBucket.Empty(UsageWindow.Month, Hour); // coarse: hotspots summed away
        month.Add(Carrier("m-1", 10, Hour).Fact);
        var row = RollupCodec.ToEntity("p", tampering == "a fine group in a coarse row" ? month : HourOf(40));
        string slot = row.Keys.First(IsSlot);
        string other = Enumerable.Range(0, RollupSlots.Count).Select(i => "G" + i).First(k => k != slot);
        switch (tampering)
        {
            case "a group in another slot":
                row[other] = row.GetString(slot);
                row.Remove(slot);
                break;
            case "a group twice":
                row[slot] = row.GetString(slot) + ";" + row.GetString(slot);
                break;
            case "a fine group in a coarse row":
                var fine = new RollupKey(Meters.OffloadBytes, "carrier-tmo", ["hs-9", "wlan"]);
                string own = "G" + Slot(fine, RollupSlots.Count);
                row[own] = row.ContainsKey(own) ? row.GetString(own) + ";" + Group(fine, 5) : Group(fine, 5);
                break;
            case "count as a long":
                row["S0"] = (long)RollupSlots.Count;
                break;
            case "count of 0":
                row["S0"] = 0;
                break;
            case "count past the property limit":
                row["S0"] = 245;
                break;
            case "a slot that is not text":
                row[slot] = 42L;
                break;
            default:
                row[slot] = "offload.bytes=7";
                break;
        }

        Assert.Equal(RollupDetail.Overflow, RollupCodec.FromEntity(row).Detail); // readers use the facts; the next write replaces the row
    }

    [Fact]
    public void FromEntity_RowWithAnotherNumberOfSlots_ReadsItsGroupsAndIsRewrittenWithTheCodecs()
    {
        var bucket = HourOf(50);
        var seven = Slots("p", bucket, 7); // as a version with another number of slots would write it

        var read = RollupCodec.FromEntity(seven);

        Assert.Equal(RollupDetail.Fine, read.Detail);
        Assert.True(read.SameSums(bucket));
        var after = read.Clone();
        after.Add(Carrier("x", 5, Hour, hotspot: "hs-0003").Fact);
        var written = RollupCodec.ToEntity("p", after);
        Assert.Same(written, RollupSlots.Changes(written, after, read, storedSlots: 7)); // every group moves to its slot of the codec's count: the whole row
    }

    [Fact]
    public void ToEntity_GroupsCollidingInOneSlotPastAProperty_WritesTheEarlierLayoutThatReadsBack()
    {
        // Hotspot ids chosen to land in one slot (a partner could choose them): about 36,000 characters there, within the row's capacity.
        var colliding = CollidingHotspots(60);
        var bucket = HourOf(60, i => colliding[i]);

        var row = RollupCodec.ToEntity("p", bucket);

        Assert.Equal(RollupDetail.Fine, bucket.Detail);
        Assert.Equal(["S0", "S1"], GroupProperties(row));
        Assert.All(row.Select(kv => kv.Value).OfType<string>(), v => Assert.InRange(v.Length, 0, FactStore.MaxRawChars));
        Assert.True(RollupCodec.FromEntity(row).SameSums(bucket));
    }

    [Fact]
    public void ToEntity_RowAtItsCapacity_StaysWithinTheServicesPropertyAndEntityLimits()
    {
        // Just under 60,000 characters of groups, the most a row holds fine, with long ids.
        var bucket = HourOf(200, i => $"hs-{i:D4}-" + new string('y', 100 + (i % 7)));
        var row = RollupCodec.ToEntity("p", bucket);
        Assert.Equal(RollupDetail.Fine, bucket.Detail);
        Assert.InRange(RollupCodec.TextLength(row), 50_000, RollupCodec.CapacityChars);

        Assert.InRange(row.Count, 1, 252 - 1); // 252 properties with the timestamp the service adds
        Assert.All(row.Select(kv => kv.Value).OfType<string>(), v => Assert.InRange(v.Length, 0, 32 * 1024)); // 64 KiB of UTF-16 a property
        long bytes = row.Sum(kv => (2L * kv.Key.Length) + 8 + (kv.Value is string s ? 2L * s.Length : 8));
        Assert.InRange(bytes, 0, 1024 * 1024);

        var beyond = HourOf(230, i => $"hs-{i:D4}-" + new string('y', 100 + (i % 7)));
        Assert.Equal(RollupDetail.Coarse, RollupCodec.Normalize(beyond).Detail); // past its capacity a row sums the hotspots away, as before
    }

    [Fact]
    public void Changes_OneGroupAddedTo_CarriesItsSlotAndTheSmallPropertiesOnly()
    {
        var stored = HourOf(120);
        var after = stored.Clone();
        after.Add(Carrier("y", 77, Hour.AddMinutes(3), hotspot: "hs-0042").Fact);
        var written = RollupCodec.ToEntity("p", after);

        var merge = RollupSlots.Changes(written, after, stored, RollupSlots.Count);

        string slot = "G" + Slot(new RollupKey(Meters.OffloadBytes, "carrier-tmo", ["hs-0042", "wlan"]), RollupSlots.Count);
        Assert.Equal(new[] { "Detail", "Groups", slot }.Order(StringComparer.Ordinal), merge.Keys.Where(k => k is not ("PartitionKey" or "RowKey")).Order(StringComparer.Ordinal));
        Assert.Equal(written[slot], merge[slot]);
        Assert.Same(written, RollupSlots.Changes(written, after, stored, storedSlots: 0)); // a row of the earlier layout is written whole
    }

    [Fact]
    public void Changes_NewGroup_CarriesOnlyTheSlotItLandsIn()
    {
        var stored = HourOf(120);
        var after = stored.Clone();
        after.Add(Carrier("z", 9, Hour.AddMinutes(4), hotspot: "hs-new").Fact);
        var written = RollupCodec.ToEntity("p", after);

        var merge = RollupSlots.Changes(written, after, stored, RollupSlots.Count);

        Assert.Equal(["G" + Slot(new RollupKey(Meters.OffloadSessions, "carrier-tmo", ["hs-new", "wlan"]), RollupSlots.Count)], merge.Keys.Where(IsSlot));
        Assert.Equal(121 * 2, merge["Groups"]);
    }

    /// <summary>Long hotspot ids whose groups all land in slot 0.</summary>
    internal static List<string> CollidingHotspots(int count) =>
        [.. Enumerable.Range(0, int.MaxValue).Select(i => $"hs-{i:D6}-" + new string('c', 250))
            .Where(h => Slot(new RollupKey(Meters.OffloadBytes, "carrier-tmo", [h, "wlan"]), RollupSlots.Count) == 0).Take(count)];
}

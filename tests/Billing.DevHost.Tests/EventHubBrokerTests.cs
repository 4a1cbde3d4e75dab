using System.Text;

namespace Billing.DevHost.Tests;

/// <summary>With a directory, the hubs are durable: what was published is read back, in order, after a restart.</summary>
public sealed class EventHubBrokerTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "devhost-hubs-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Publish_WithDirectory_ReopenedBrokerReadsTheSameEvents()
    {
        string[] bodies = ["{\"id\":\"a\"}", "line one\nline two \"quoted\" \\ é 😀", "{\"id\":\"c\"}", "", "{\"id\":\"e\"}"];
        IReadOnlyList<HubEvent>[] before;
        using (var broker = new EventHubBroker(2, TimeProvider.System, directory))
        {
            var hub = broker.GetHub("Carrier-Offload");
            hub.Publish(bodies);
            hub.Publish(["keyed"], partitionKey: "payer-1");
            before = hub.Partitions.Select(p => p.Read(0, 100)).ToArray();
        }

        using var reopened = new EventHubBroker(2, TimeProvider.System, directory);
        var again = reopened.GetHub("carrier-offload"); // hub names are case-insensitive, on disk too

        Assert.Equal(bodies.Length + 1, before.Sum(p => p.Count));
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(before[i], again.Partitions[i].Read(0, 100));
        }

        again.Publish(["{\"id\":\"f\"}"]);
        Assert.Equal(bodies.Length + 2, again.Partitions.Sum(p => p.Count));
    }

    [Fact]
    public void Reopen_TornLastLine_DropsOnlyTheUnfinishedEventAndAppendsAfterTheLastWholeOne()
    {
        using (var broker = new EventHubBroker(1, TimeProvider.System, directory))
        {
            broker.GetHub("h").Publish(["one", "two"]);
        }

        string file = Path.Combine(directory, "h", "0.events");
        File.AppendAllText(file, "{\"t\":\"2026-12-01T00:00:00+00:00\",\"k\":null,\"b\":\"thr", Encoding.UTF8); // a crash mid-write

        using (var broker = new EventHubBroker(1, TimeProvider.System, directory))
        {
            var partition = broker.GetHub("h").Partitions[0];
            Assert.Equal(["one", "two"], partition.Read(0, 10).Select(e => e.Body));
            broker.GetHub("h").Publish(["three"]);
        }

        using var last = new EventHubBroker(1, TimeProvider.System, directory);
        var events = last.GetHub("h").Partitions[0].Read(0, 10);
        Assert.Equal(["one", "two", "three"], events.Select(e => e.Body));
        Assert.Equal([0L, 1L, 2L], events.Select(e => e.SequenceNumber));
        Assert.Equal([0L, 3L, 6L], events.Select(e => e.Offset));
    }

    [Fact]
    public void GetHub_DirectoryWrittenWithMorePartitions_RefusesInsteadOfIgnoringSome()
    {
        using (var broker = new EventHubBroker(4, TimeProvider.System, directory))
        {
            broker.GetHub("h").Publish(["a", "b", "c", "d"]);
        }

        using var fewer = new EventHubBroker(2, TimeProvider.System, directory);

        var ex = Assert.Throws<InvalidOperationException>(() => fewer.GetHub("h"));
        Assert.Contains("--partitions", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetHub_CorruptPartitionFile_NamesTheFile()
    {
        Directory.CreateDirectory(Path.Combine(directory, "h"));
        File.WriteAllText(Path.Combine(directory, "h", "0.events"), "not json\n");
        using var broker = new EventHubBroker(1, TimeProvider.System, directory);

        var ex = Assert.Throws<InvalidOperationException>(() => broker.GetHub("h"));
        Assert.Contains("0.events", ex.Message, StringComparison.Ordinal);
    }
}

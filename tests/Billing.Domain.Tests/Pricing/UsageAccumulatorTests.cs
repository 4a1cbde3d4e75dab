using static Billing.Domain.Tests.Pricing.TestPlans;

namespace Billing.Domain.Tests.Pricing;

public class UsageAccumulatorTests
{
    [Fact]
    public void Add_ManyFacts_GroupsByPricingDimensionOnly()
    {
        var acc = new UsageAccumulator(Compute);
        for (int i = 0; i < 10_000; i++)
        {
            acc.Add(Gpu(i % 2 == 0 ? "H100" : "A100", 3, lease: $"lease-{i}"));
        }

        // leases/providers are not pricing dimensions: 2 groups, not 10,000
        Assert.Equal(2, acc.GroupCount);
        Assert.Equal(
            [new UsageGroup("compute.gpu_seconds", "A100", 15_000), new UsageGroup("compute.gpu_seconds", "H100", 15_000)],
            acc.Groups());
    }

    [Fact]
    public void Add_UnpricedMeter_ReturnsFalseAndIgnores()
    {
        var acc = new UsageAccumulator(Carrier);

        Assert.False(acc.Add(Sessions(5)));
        Assert.True(acc.Add(Bytes(5)));
        Assert.Equal([new UsageGroup("offload.bytes", null, 5)], acc.Groups());
    }

    [Fact]
    public void Add_SumBeyondLong_ExactIn128Bits()
    {
        var acc = new UsageAccumulator(Carrier);
        acc.Add(Bytes(long.MaxValue));
        acc.Add(Bytes(long.MaxValue));
        acc.Add(Bytes(2));

        Assert.Equal([new UsageGroup("offload.bytes", null, ((Int128)long.MaxValue * 2) + 2)], acc.Groups());
    }

    [Fact]
    public void Merge_Partitions_EqualsSingleAccumulator()
    {
        var a = new UsageAccumulator(Compute);
        var b = new UsageAccumulator(Compute);
        var all = new UsageAccumulator(Compute);
        a.Add(Gpu("H100", 10));
        b.Add(Gpu("H100", 20));
        b.Add(Gpu("L40S", 7));
        all.AddRange([Gpu("H100", 10), Gpu("H100", 20), Gpu("L40S", 7)]);

        a.Merge(b);

        Assert.Equal(all.Groups(), a.Groups());
    }

    [Fact]
    public void Add_UnknownDimensionValue_Throws()
    {
        var acc = new UsageAccumulator(Compute);

        Assert.Throws<UnpricedUsageException>(() => acc.Add(Gpu("TPUv5", 1)));
        Assert.Equal(0, acc.GroupCount);
    }
}

public class UsageAccumulatorFactTests
{
    private static Billing.Domain.Metering.UsageFact Fact(string type, long bytes = 0, string? gpuModel = null, long gpuSeconds = 0) => new()
    {
        Source = "src",
        Id = Guid.NewGuid().ToString(),
        Payer = "payer",
        Type = type,
        Time = new DateTimeOffset(2026, 10, 5, 0, 0, 0, TimeSpan.Zero),
        ContentHash = "00",
        Hotspot = "hs",
        Rat = "wifi",
        Bytes = bytes,
        GpuModel = gpuModel,
        Lease = "l",
        Provider = "p",
        GpuSeconds = gpuSeconds,
    };

    [Fact]
    public void Add_UsageFacts_SummedIntoPricedMeters()
    {
        var carrier = new UsageAccumulator(TestPlans.Carrier);
        var compute = new UsageAccumulator(TestPlans.Compute);

        Assert.Equal(1, carrier.Add(Fact(Billing.Domain.Events.EventTypes.CarrierOffloadV1, bytes: 150_000)));
        Assert.Equal(1, carrier.Add(Fact(Billing.Domain.Events.EventTypes.CarrierOffloadV1, bytes: 50_000)));
        Assert.Equal(0, compute.Add(Fact(Billing.Domain.Events.EventTypes.CarrierOffloadV1, bytes: 1)));
        Assert.Equal(1, compute.Add(Fact(Billing.Domain.Events.EventTypes.ComputeUsageV1, gpuModel: "H100", gpuSeconds: 5_400)));

        Assert.Equal([new UsageGroup("offload.bytes", null, 200_000)], carrier.Groups());
        Assert.Equal([new UsageGroup("compute.gpu_seconds", "H100", 5_400)], compute.Groups());
        Assert.Throws<UnpricedUsageException>(() => compute.Add(Fact(Billing.Domain.Events.EventTypes.ComputeUsageV1, gpuModel: "B200", gpuSeconds: 1)));
    }
}

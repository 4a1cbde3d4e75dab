using Billing.Domain.Pricing;
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
    public void Add_SumOverflow_Throws()
    {
        var acc = new UsageAccumulator(Carrier);
        acc.Add(Bytes(long.MaxValue));

        Assert.Throws<OverflowException>(() => acc.Add(Bytes(1)));
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

namespace Billing.Domain.Pricing;

/// <summary>A tiered price: strictly ascending bounds, the last tier unbounded.</summary>
public sealed class PriceSchedule
{
    public PriceSchedule(TierMode mode, IEnumerable<PriceTier> tiers)
    {
        ArgumentNullException.ThrowIfNull(tiers);
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode));
        }

        PriceTier[] list = [.. tiers];
        if (list.Length == 0)
        {
            throw new ArgumentException("A price needs at least one tier.", nameof(tiers));
        }

        if (mode == TierMode.PerUnit && list.Length != 1)
        {
            throw new ArgumentException("A per-unit price has exactly one tier.", nameof(tiers));
        }

        for (int i = 0; i < list.Length; i++)
        {
            bool last = i == list.Length - 1;
            if (last != (list[i].UpTo is null))
            {
                throw new ArgumentException("Only the last tier is unbounded (UpTo = null), and it must be.", nameof(tiers));
            }

            if (i > 0 && !last && list[i].UpTo <= list[i - 1].UpTo)
            {
                throw new ArgumentException("Tier bounds must be strictly ascending.", nameof(tiers));
            }
        }

        Mode = mode;
        Tiers = list;
    }

    public TierMode Mode { get; }

    public IReadOnlyList<PriceTier> Tiers { get; }

    public static PriceSchedule PerUnit(decimal unitPrice) => new(TierMode.PerUnit, [new PriceTier(null, unitPrice)]);
}

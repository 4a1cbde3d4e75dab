namespace Billing.Cli.Generation;

/// <summary>Hour slots of the window weighted by the diurnal curve × the seconds of the slot inside the window.</summary>
internal sealed class TimeSlots
{
    /// <summary>Relative sessions per UTC hour of day: quiet at night, peaking in the evening.</summary>
    private static readonly int[] Diurnal = [3, 2, 1, 1, 1, 2, 4, 6, 7, 7, 7, 7, 8, 8, 7, 7, 8, 10, 12, 14, 15, 13, 9, 5];

    private readonly List<(long StartSecond, long Seconds)> slots = [];
    private readonly long[] cumulative;

    public TimeSlots(DateTimeOffset start, DateTimeOffset end)
    {
        var weights = new List<long>();
        var hour = new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, 0, 0, TimeSpan.Zero);
        for (; hour < end; hour = hour.AddHours(1))
        {
            var s = hour < start ? start : hour;
            var e = hour.AddHours(1) > end ? end : hour.AddHours(1);
            long seconds = (long)(e - s).TotalSeconds;
            if (seconds <= 0)
            {
                continue;
            }

            slots.Add((s.ToUnixTimeSeconds(), seconds));
            weights.Add(Diurnal[hour.Hour] * seconds);
        }

        cumulative = SampleRandom.Cumulative(weights);
    }

    public DateTimeOffset Sample(Random rng)
    {
        var (startSecond, seconds) = slots[SampleRandom.Pick(rng, cumulative)];
        return DateTimeOffset.FromUnixTimeSeconds(startSecond + rng.NextInt64(seconds));
    }
}

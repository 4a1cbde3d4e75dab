namespace Billing.Storage;

/// <summary>One claimed compute interval <c>[StartTicks, EndTicks)</c> (UTC ticks) of a lease and the key of the event that claimed it (<see cref="LeaseDayRow"/>).</summary>
internal readonly record struct LeaseInterval(long StartTicks, long EndTicks, string Key)
{
    /// <summary>The interval as a line of its day row.</summary>
    public string Line => string.Create(CultureInfo.InvariantCulture, $"{StartTicks}|{EndTicks}|{Key}\n");

    /// <summary>Characters of <see cref="Line"/>.</summary>
    public int Chars => Line.Length;

    public DateTimeOffset Start => new(StartTicks, TimeSpan.Zero);

    public DateTimeOffset End => new(EndTicks, TimeSpan.Zero);

    /// <summary>The claiming event's id, as far as the row keeps it (a long id only as its digest).</summary>
    public string EventId => Key.StartsWith("%h", StringComparison.Ordinal) ? $"with id digest {Key}" : $"'{(TableKey.TryUnescape(Key, out string id) ? id : Key)}'";
}

namespace Billing.Cli.Generation;

/// <summary>What to generate. Same options (seed, now, month, ...) → byte-identical output.</summary>
public sealed record GeneratorOptions
{
    public int Seed { get; init; } = 1;

    /// <summary>The instant the data is generated for; the accepted window is relative to it.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>First day of the month to generate; null = the calendar month before <see cref="Now"/>.</summary>
    public DateOnly? Month { get; init; }

    public IReadOnlyList<string> Carriers { get; init; } = ["carrier-tmo"];

    public int Hotspots { get; init; } = 50;

    /// <summary>Sessions per carrier.</summary>
    public int Sessions { get; init; } = 2000;

    public string Provider { get; init; } = "provider-nodeops";

    public IReadOnlyList<string> Tenants { get; init; } = ["tenant-lab"];

    public int Leases { get; init; } = 6;

    /// <summary>Declarative networks to add sample usage for; none by default, so the default output stays carrier + compute.</summary>
    public IReadOnlyList<SampleNetwork> Networks { get; init; } = [];

    /// <summary>Events per network in <see cref="Networks"/>.</summary>
    public int NetworkEvents { get; init; } = 200;

    /// <summary>Fraction (0–1) of events re-emitted as exact copies later in the output.</summary>
    public decimal Duplicates { get; init; }

    /// <summary>Extra carrier sessions appended at the end of the output with early timestamps.</summary>
    public int Late { get; init; }
}

namespace Billing.Application.Burns;

/// <summary>Burn metrics, on the platform's meter (<c>Billing</c>) so the function app's OpenTelemetry export picks them up.</summary>
public static class BurnTelemetry
{
    private static readonly Meter Meter = new("Billing");

    /// <summary>Burn state transitions, by from/to state.</summary>
    public static readonly Counter<long> Transitions = Meter.CreateCounter<long>("billing.burns.transitions", "{transition}");
}

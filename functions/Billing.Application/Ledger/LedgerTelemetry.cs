namespace Billing.Application.Ledger;

/// <summary>Ledger metrics, on the platform's meter (<c>Billing</c>) so the function app's OpenTelemetry export picks them up.</summary>
public static class LedgerTelemetry
{
    private static readonly Meter Meter = new("Billing");
    private static Func<double?>? anchorAge;

    /// <summary>Seconds since the last confirmed ledger anchor (absent until one exists).</summary>
    public static readonly ObservableGauge<double> AnchorAge = Meter.CreateObservableGauge(
        "billing.ledger.anchor.age", () => anchorAge?.Invoke() is { } age ? [new Measurement<double>(age)] : Array.Empty<Measurement<double>>(), "s");

    public static void ObserveAnchorAge(Func<double?> source) => anchorAge = source;
}

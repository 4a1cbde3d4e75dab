using System.Diagnostics;

namespace Billing.Application.Telemetry;

/// <summary>
/// The platform's metrics and traces (OpenTelemetry names). Exported to Application Insights when
/// APPLICATIONINSIGHTS_CONNECTION_STRING is set, to the console when Billing:Telemetry:Console is true.
/// </summary>
public static class BillingTelemetry
{
    public const string Name = "Billing";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    /// <summary>Events accepted at ingestion, by type.</summary>
    public static readonly Counter<long> EventsAccepted = Meter.CreateCounter<long>("billing.events.accepted", "{event}");

    /// <summary>Events rejected at ingestion (validation), by type when known.</summary>
    public static readonly Counter<long> EventsRejected = Meter.CreateCounter<long>("billing.events.rejected", "{event}");

    /// <summary>New facts written by metering, by hub.</summary>
    public static readonly Counter<long> FactsWritten = Meter.CreateCounter<long>("billing.facts.written", "{event}");

    /// <summary>Redelivered events recognised as duplicates by metering, by hub.</summary>
    public static readonly Counter<long> EventsDuplicate = Meter.CreateCounter<long>("billing.events.duplicate", "{event}");

    /// <summary>Events set aside in the quarantine table, by hub and kind.</summary>
    public static readonly Counter<long> EventsQuarantined = Meter.CreateCounter<long>("billing.events.quarantined", "{event}");

    /// <summary>Time to meter one Event Hubs batch, by hub.</summary>
    public static readonly Histogram<double> BatchDuration = Meter.CreateHistogram<double>("billing.metering.batch.duration", "ms");

    /// <summary>Age of a delivered batch's oldest event (enqueued to now), by hub: how far metering is behind (<see cref="Metering.MeteringLag"/>).</summary>
    public static readonly Histogram<double> MeteringLag = Meter.CreateHistogram<double>("billing.metering.lag", "s");
}

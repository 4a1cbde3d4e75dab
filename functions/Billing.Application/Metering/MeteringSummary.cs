namespace Billing.Application.Metering;

/// <summary>What metering one batch did: events received, new facts, duplicates, quarantined events, table transactions.</summary>
public sealed record MeteringSummary(int Received, int Inserted, int Duplicates, int Quarantined, int Transactions);

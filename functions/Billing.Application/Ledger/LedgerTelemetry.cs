using System.Collections.Concurrent;

namespace Billing.Application.Ledger;

/// <summary>Ledger metrics, on the platform's meter (<c>Billing</c>) so the function app's OpenTelemetry export picks them up.</summary>
public static class LedgerTelemetry
{
    private static readonly Meter Meter = new("Billing");
    private static readonly ConcurrentDictionary<(string Ledger, string Book), Func<double?>> Silences = new();
    private static Func<double?>? anchorAge;

    /// <summary>Seconds since the last confirmed ledger anchor (absent until one exists).</summary>
    public static readonly ObservableGauge<double> AnchorAge = Meter.CreateObservableGauge(
        "billing.ledger.anchor.age", () => anchorAge?.Invoke() is { } age ? [new Measurement<double>(age)] : Array.Empty<Measurement<double>>(), "s");

    /// <summary>
    /// Seconds since the newest anchor or heartbeat of a book on chain, tagged <c>ledger</c> and <c>book</c> (absent until an
    /// anchor run saw one). Unlike <see cref="AnchorAge"/> it stays low for a quiet book, which gets heartbeats, and grows
    /// only when anchoring stops.
    /// </summary>
    public static readonly ObservableGauge<double> ChainSilence = Meter.CreateObservableGauge("billing.ledger.chain.silence", ObserveSilences, "s");

    public static void ObserveAnchorAge(Func<double?> source) => anchorAge = source;

    /// <summary>Reports <paramref name="source"/> as the chain silence of <paramref name="ledger"/>'s <paramref name="book"/> (the latest caller's wins).</summary>
    public static void ObserveChainSilence(string ledger, string book, Func<double?> source) => Silences[(ledger, book)] = source;

    private static IEnumerable<Measurement<double>> ObserveSilences()
    {
        foreach (var ((ledger, book), source) in Silences)
        {
            if (source() is { } seconds)
            {
                yield return new Measurement<double>(seconds, new KeyValuePair<string, object?>("ledger", ledger), new KeyValuePair<string, object?>("book", book));
            }
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Billing.Application.Telemetry;

namespace Billing.Application.Tests;

/// <summary>
/// What a <see cref="MeterListener"/> sees of one instrument of the <c>Billing</c> meter while this is not disposed: each
/// measurement with its tags. Every test's measurements reach it (the meter is static), so <paramref name="mine"/> tells
/// the caller's own apart, read on the thread that records (an <see cref="AsyncLocal{T}"/> set around the call works).
/// </summary>
internal sealed class BillingMeasurements<T> : IDisposable
    where T : struct
{
    private readonly MeterListener listener = new();
    private readonly ConcurrentQueue<(T Value, IReadOnlyDictionary<string, object?> Tags)> measured = new();

    public BillingMeasurements(string instrument, Func<T, IReadOnlyDictionary<string, object?>, bool>? mine = null)
    {
        listener.InstrumentPublished = (i, l) =>
        {
            if (i.Meter.Name == BillingTelemetry.Name && i.Name == instrument)
            {
                l.EnableMeasurementEvents(i);
            }
        };
        listener.SetMeasurementEventCallback<T>((_, value, tags, _) =>
        {
            var byKey = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var tag in tags)
            {
                byKey[tag.Key] = tag.Value;
            }

            if (mine?.Invoke(value, byKey) != false)
            {
                measured.Enqueue((value, byKey));
            }
        });
        listener.Start();
    }

    /// <summary>The measurements so far, in the order recorded.</summary>
    public IReadOnlyList<(T Value, IReadOnlyDictionary<string, object?> Tags)> All => [.. measured];

    /// <summary>Each measurement so far with the value of its tag <paramref name="tag"/> (null when absent).</summary>
    public IReadOnlyList<(T Value, string? Tag)> With(string tag) => [.. measured.Select(m => (m.Value, m.Tags.GetValueOrDefault(tag) as string))];

    /// <summary>Reads the observable instruments (gauges) now.</summary>
    public void Observe() => listener.RecordObservableInstruments();

    public void Dispose() => listener.Dispose();
}

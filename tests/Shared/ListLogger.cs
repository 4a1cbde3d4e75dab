using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Billing.Tests.Shared;

/// <summary>One captured log entry: the rendered message plus every structured value, as text.</summary>
internal sealed record LogEntry(LogLevel Level, EventId EventId, string Message, IReadOnlyList<string> Values);

/// <summary>Captures log entries so tests can assert what is (and is not) logged.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = new List<string>();
        if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            foreach (KeyValuePair<string, object?> pair in pairs)
            {
                values.Add($"{pair.Key}={pair.Value}");
            }
        }

        if (exception is not null)
        {
            values.Add(exception.ToString());
        }

        _entries.Enqueue(new LogEntry(logLevel, eventId, formatter(state, exception), values));
    }
}

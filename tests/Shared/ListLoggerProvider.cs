using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Billing.Tests.Shared;

/// <summary>
/// Captures what every logger of a host writes (one <see cref="ListLogger{T}"/> per category), so a test can count the
/// records of code that takes its logger from the host's <see cref="ILoggerFactory"/>.
/// </summary>
internal sealed class ListLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentDictionary<string, ListLogger<object>> loggers = new(StringComparer.Ordinal);

    /// <summary>Every record written so far, by category (in order within a category).</summary>
    public IReadOnlyList<(string Category, LogEntry Entry)> Entries =>
        [.. loggers.SelectMany(l => l.Value.Entries.Select(e => (l.Key, e)))];

    public ILogger CreateLogger(string categoryName) => loggers.GetOrAdd(categoryName, _ => new ListLogger<object>());

    public void Dispose()
    {
    }
}

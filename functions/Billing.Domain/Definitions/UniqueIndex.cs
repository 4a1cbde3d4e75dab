namespace Billing.Domain.Definitions;

/// <summary>Indexes what was loaded at start-up (plans, event types) by its id; an id given twice is a configuration error.</summary>
internal static class UniqueIndex
{
    public static Dictionary<string, T> By<T>(IEnumerable<T> items, Func<T, string> key, string what, string paramName)
    {
        ArgumentNullException.ThrowIfNull(items, paramName);
        var index = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (T item in items)
        {
            if (!index.TryAdd(key(item), item))
            {
                throw new ArgumentException($"{what} '{key(item)}' is defined twice.", paramName);
            }
        }

        return index;
    }
}

namespace Billing.Application.Burns;

/// <summary>
/// A setting listing the public keys a deployment signed with before a change of key (earlier treasury owners, earlier
/// anchor authorities): public keys, a few, never the key in use. A key that is none is named by its place, never echoed:
/// it may be a keypair pasted in its stead.
/// </summary>
internal static class RetiredKeys
{
    /// <summary>The keys a setting lists: each entry split at its commas (a comma-separated list or an array), blanks dropped.</summary>
    public static IReadOnlyList<string> Of(IEnumerable<string?> entries) =>
        [.. entries.SelectMany(entry => (entry ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))];

    /// <summary>
    /// Keeps a comma-separated app setting <paramref name="setting"/> as one entry of <paramref name="entries"/>: the binder
    /// leaves a single value out of a list (<see cref="Of"/> splits it).
    /// </summary>
    public static void KeepCommaSeparated(IConfiguration configuration, string setting, IList<string> entries)
    {
        if (configuration[setting] is { Length: > 0 } list)
        {
            entries.Add(list);
        }
    }

    /// <summary>Adds to <paramref name="failures"/> what is wrong with <paramref name="keys"/>, listed in <paramref name="setting"/>.</summary>
    /// <param name="keys">The keys listed.</param>
    /// <param name="setting">The setting's name.</param>
    /// <param name="max">The most keys it may list.</param>
    /// <param name="whose">Whose keys it lists, as in "list the public keys of {whose}".</param>
    /// <param name="current">The key in use (null when it cannot be read), with what it is, as in "lists {key}, {what}".</param>
    /// <param name="failures">Where the failures go.</param>
    public static void Validate(IReadOnlyList<string> keys, string setting, (int Count, string Why) max, string whose, (PublicKey? Key, string What) current, List<string> failures)
    {
        if (keys.Count > max.Count)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{setting} lists {keys.Count} keys, at most {max.Count}{max.Why}"));
        }

        for (int i = 0; i < keys.Count; i++)
        {
            if (!PublicKey.IsValid(keys[i]))
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{setting}: key {i + 1} is not a base58 public key (32 bytes); list the public keys of {whose}, never a keypair."));
            }
        }

        if (current.Key is { } key && keys.Contains(key.ToString(), StringComparer.Ordinal))
        {
            failures.Add($"{setting} lists {key}, {current.What}");
        }
    }
}

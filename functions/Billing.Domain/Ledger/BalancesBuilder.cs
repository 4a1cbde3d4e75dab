namespace Billing.Domain.Ledger;

/// <summary>
/// Folds entries into balances one at a time (exact, in <see cref="Int128"/>), from nothing or from earlier
/// <see cref="Balances"/>: what a reader that already summed part of a book adds the rest with. Not thread-safe; each
/// <see cref="ToBalances"/> is a copy, so folding on afterwards never changes balances already taken.
/// </summary>
public sealed class BalancesBuilder
{
    private readonly Dictionary<(string Account, string Asset), Int128> map;

    public BalancesBuilder() => map = [];

    /// <summary>Starts from <paramref name="start"/> (copied).</summary>
    public BalancesBuilder(Balances start)
    {
        ArgumentNullException.ThrowIfNull(start);
        map = new Dictionary<(string, string), Int128>(start.Sums);
    }

    /// <summary>Adds every posting of <paramref name="entry"/> to its (account, asset).</summary>
    public void Add(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        foreach (Posting p in entry.Postings)
        {
            var key = (p.Account, p.Asset);
            map[key] = (map.TryGetValue(key, out Int128 sum) ? sum : Int128.Zero) + p.Amount;
        }
    }

    /// <summary>The balances folded so far.</summary>
    public Balances ToBalances() => new(new Dictionary<(string, string), Int128>(map));
}

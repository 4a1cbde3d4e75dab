namespace Billing.Domain.Ledger;

/// <summary>
/// Balances per (account, asset), folded from entries: the sum of every posting's amount (debits positive, credits
/// negative). Accounts whose balance nets to zero are kept (they moved). Sorted by account, then asset (ordinal).
/// </summary>
public sealed class Balances
{
    private readonly Dictionary<(string Account, string Asset), Int128> map;

    internal Balances(Dictionary<(string, string), Int128> map)
    {
        this.map = map;
        All = new ReadOnlyCollection<AccountBalance>([.. map
            .OrderBy(kv => kv.Key.Item1, StringComparer.Ordinal).ThenBy(kv => kv.Key.Item2, StringComparer.Ordinal)
            .Select(kv => new AccountBalance(kv.Key.Item1, kv.Key.Item2, kv.Value))]);
    }

    public IReadOnlyList<AccountBalance> All { get; }

    /// <summary>The sums by (account, asset), for <see cref="BalancesBuilder"/> to start from.</summary>
    internal IReadOnlyDictionary<(string Account, string Asset), Int128> Sums => map;

    /// <summary>No account moved: the balances of an empty book.</summary>
    public static Balances Empty { get; } = new([]);

    public static Balances Compute(IEnumerable<LedgerEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var builder = new BalancesBuilder();
        foreach (LedgerEntry entry in entries)
        {
            builder.Add(entry);
        }

        return builder.ToBalances();
    }

    /// <summary>Folds entries as they stream past, holding only the balances.</summary>
    public static async Task<Balances> ComputeAsync(IAsyncEnumerable<LedgerEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var builder = new BalancesBuilder();
        await foreach (LedgerEntry entry in entries.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            builder.Add(entry);
        }

        return builder.ToBalances();
    }

    /// <summary>The balance, zero for an account that never moved.</summary>
    public Int128 Get(string account, string asset) => map.TryGetValue((account, asset), out Int128 value) ? value : Int128.Zero;

    /// <summary>The accounts of one payer: those named <c>{category}:{payer}</c> (e.g. <c>receivable:{payer}</c>, <c>adjustment:{payer}</c>).</summary>
    public Balances ForPayer(string payer)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(payer);
        return new Balances(map.Where(kv => Accounts.BelongsTo(kv.Key.Account, payer)).ToDictionary(kv => kv.Key, kv => kv.Value));
    }

    /// <summary>Sum over all accounts per asset; zero for every asset when the entries were balanced.</summary>
    public IReadOnlyDictionary<string, Int128> TotalsByAsset() =>
        map.GroupBy(kv => kv.Key.Asset, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Aggregate(Int128.Zero, (sum, kv) => sum + kv.Value), StringComparer.Ordinal);
}

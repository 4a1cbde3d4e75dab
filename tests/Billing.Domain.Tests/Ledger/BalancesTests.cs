using static Billing.Domain.Tests.Ledger.TestLedger;

namespace Billing.Domain.Tests.Ledger;

public class BalancesTests
{
    [Fact]
    public void Compute_InvoicePaymentBurn_ExpectedBalances()
    {
        var entries = new List<LedgerEntry>();
        void Append(LedgerEntryDraft d) => entries.Add(LedgerEntry.Seal("main", entries.Count + 1, entries.Count == 0 ? LedgerEntry.GenesisHash : entries[^1].Hash, d));
        Append(LedgerEntries.PaymentReceived("evt_1", "INV-a-202610", "a", 700, "USD", T0)!);
        Append(LedgerEntries.PaymentReceived("evt_2", "INV-ab-202610", "ab", 50, "USD", T0)!);
        Append(LedgerEntries.TokensBurned("burn-1", "INV-a-202610", 3_000_000_000_000_000_000UL, "sig", 1, T0)!);
        Append(LedgerEntries.TokensBurned("burn-2", "INV-a-202610", 9_000_000_000_000_000_000UL, "sig", 1, T0)!);
        Append(LedgerEntries.Adjustment("adj", [Posting.Debit(Accounts.Adjustment("a"), "USD", 20), Posting.Credit(Accounts.CashStripe, "USD", 20)], "refund", T0));

        var balances = Balances.Compute(entries);

        Assert.Equal(730, balances.Get(Accounts.CashStripe, "USD"));
        Assert.Equal(-700, balances.Get(Accounts.Receivable("a"), "USD"));
        Assert.Equal(Int128.Parse("12000000000000000000", System.Globalization.CultureInfo.InvariantCulture), balances.Get(Accounts.BurnedToken, Assets.Token)); // beyond long
        Assert.Equal(0, balances.Get("nobody:x", "USD"));
        Assert.All(balances.TotalsByAsset().Values, total => Assert.Equal(Int128.Zero, total));

        var a = balances.ForPayer("a");
        Assert.Equal([Accounts.Adjustment("a"), Accounts.Receivable("a")], a.All.Select(b => b.Account));
        Assert.Equal(20, a.Get(Accounts.Adjustment("a"), "USD"));
    }

    [Property(MaxTest = 200)]
    public bool Compute_AnyBalancedEntries_BalanceIsSumOfPostingsAndTotalsAreZero(NonZeroInt[] amounts, PositiveInt accounts)
    {
        int n = (accounts.Get % 5) + 1;
        var entries = amounts.Select((a, i) =>
        {
            long amount = (long)a.Get * 1_000_000_007L;
            string asset = i % 2 == 0 ? "USD" : "TOKEN";
            var draft = new LedgerEntryDraft($"e{i}", LedgerEntryKind.Adjustment, T0,
                [new Posting($"acct:{i % n}", asset, amount), new Posting($"acct:{(i + 1) % (n + 1)}x", asset, -amount)]);
            return LedgerEntry.Seal("main", i + 1, i == 0 ? LedgerEntry.GenesisHash : new string('a', 64), draft);
        }).ToList();

        var balances = Balances.Compute(entries);
        var postings = entries.SelectMany(e => e.Postings).ToList();
        return balances.All.All(b => b.Amount == postings.Where(p => p.Account == b.Account && p.Asset == b.Asset).Aggregate(Int128.Zero, (s, p) => s + p.Amount))
            && balances.All.Count == postings.Select(p => (p.Account, p.Asset)).Distinct().Count()
            && balances.TotalsByAsset().Values.All(t => t == Int128.Zero);
    }
}

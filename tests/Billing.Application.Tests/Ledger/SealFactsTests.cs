namespace Billing.Application.Tests.Ledger;

/// <summary>What verify makes of a book's seals (<see cref="SealFacts"/>): where the sealed part of the book begins, and what the head claims of it.</summary>
public class SealFactsTests
{
    private static LedgerEntry Entry(long sequence, EntrySealState state, bool marked = false)
    {
        var metadata = marked ? new Dictionary<string, string> { [SealMarker.Key] = SealMarker.Current } : new Dictionary<string, string>();
        var draft = new LedgerEntryDraft($"adj-{sequence}", LedgerEntryKind.Adjustment, new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero),
            [Posting.Debit("adjustment:carrier-x", "USD", 5), Posting.Credit("revenue:usage", "USD", 5)], metadata);
        return LedgerEntry.Seal("main", sequence, LedgerEntry.GenesisHash, draft).WithSeal(state == EntrySealState.Unsealed ? null : "00000000:00", state);
    }

    [Fact]
    public void Problems_NoMarkerButASealedEntry_UnsealedEntriesAfterTheFirstSealedOneReported()
    {
        // A book whose marker was never written (its head's SealedSince forged before the first sealed append).
        var facts = new SealFacts();
        foreach (var e in new[] { Entry(1, EntrySealState.Unsealed), Entry(2, EntrySealState.Sealed), Entry(3, EntrySealState.Unsealed) })
        {
            facts.Add(e);
        }

        Assert.Equal(2L, facts.SealedFrom);
        Assert.Equal("adj-3", Assert.Single(facts.Problems(), p => p.Kind == SealFacts.Unsealed).Subject);
        Assert.Contains("1 entry (#1 to #1)", facts.BeforeSeals(), StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_MarkedEntryBeforeTheFirstSealedOne_SealedFromTheMarkedOne()
    {
        var facts = new SealFacts();
        foreach (var e in new[] { Entry(1, EntrySealState.Unsealed), Entry(2, EntrySealState.Unsealed, marked: true), Entry(3, EntrySealState.Sealed) })
        {
            facts.Add(e);
        }

        Assert.Equal(2L, facts.SealedFrom);
        Assert.Equal("adj-2", Assert.Single(facts.Problems(), p => p.Kind == SealFacts.Unsealed).Subject);
    }

    [Theory]
    [InlineData(1L, false)]
    [InlineData(2L, true)]
    [InlineData(9L, true)]
    [InlineData(null, false)]
    public void HeadProblem_SealedSince_ReportedUnlessItNamesAMarkedEntry(long? sealedSince, bool reported)
    {
        var facts = new SealFacts();
        facts.Add(Entry(1, EntrySealState.Sealed, marked: true));
        facts.Add(Entry(2, EntrySealState.Sealed));

        var problem = facts.HeadProblem(sealedSince);

        Assert.Equal(reported, problem is not null);
        Assert.True(problem is null || problem.Kind == SealFacts.HeadSealedSinceUnmarked && problem.Subject == "head");
    }
}

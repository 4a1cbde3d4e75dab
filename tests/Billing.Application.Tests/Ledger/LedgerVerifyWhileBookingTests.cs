using Billing.Tests.Shared;

namespace Billing.Application.Tests.Ledger;

/// <summary>
/// Verify on a live book: bookings and anchors that land while it reads are not findings. Each test lets another writer act
/// at an exact point of the verification (<see cref="InterleavingTables"/>), and then shows that a plant at the same
/// point is still reported.
/// </summary>
public class LedgerVerifyWhileBookingTests(BurnChainFixture chain) : IClassFixture<BurnChainFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>The entries scan (its upper bound), the head read, and the id index scan, as their requests name them.</summary>
    private const string EntriesScan = "RowKey le '9999999999999999999'";
    private const string HeadRead = "RowKey='head'";

    /// <summary>An audit whose storage requests run <paramref name="meanwhile"/> once, right after the first one naming <paramref name="marker"/>.</summary>
    private LedgerAudit Audit(LedgerTestSetup s, string marker, Func<Task> meanwhile, out InterleavingTables hook)
    {
        var (tables, h) = InterleavingTables.Create(chain.Azurite.ConnectionString, s.Tables, marker, meanwhile);
        hook = h;
        return new LedgerAudit(new LedgerStore(tables, TestSeals.Keys), new AnchorStore(tables), s.Invoices, s.Payments, s.Burns, new CreditNoteStore(s.Tables),
            new RefundStore(s.Tables), new InvoicePaymentLinkStore(s.Tables), new FactStore(s.Tables), new PartnerStore(s.Tables), s.Rpc, s.Authority, s.Options, Microsoft.Extensions.Options.Options.Create(new Billing.Application.Invoicing.InvoicingOptions()), TimeProvider.System);
    }

    [Theory]
    [InlineData(EntriesScan, 3)] // before: the head, one past the rows read, was reported as HeadMismatch; now read up to it
    [InlineData(HeadRead, 2)]    // before: its id row, past the rows read, was reported as IdRowMismatch; now the next verification's
    public async Task Verify_EntryBookedWhileVerifying_IsNoFinding(string bookedAfter, int verified)
    {
        var s = await LedgerTestSetup.NewAsync(chain);
        await s.BookAndAnchorAsync(100, 200);

        var verify = await Audit(s, bookedAfter, () => s.BookAsync("adj-late", 300), out var hook).VerifyAsync(Ct);

        Assert.True(hook.Fired);
        Assert.True(verify.Ok, string.Join("; ", verify.Problems));
        Assert.Equal(verified, verify.Entries);
        Assert.Equal((true, 3), await s.Audit().VerifyAsync(Ct) is var next ? (next.Ok, next.Entries) : default);
    }

    [Fact]
    public async Task Verify_IdRowPlantedPastTheHead_IsStillReported()
    {
        var s = await LedgerTestSetup.NewAsync(chain);
        await s.BookAndAnchorAsync(100, 200);
        var planted = new TableEntity(LedgerStore.PartitionKey(LedgerEntries.MainBook), LedgerStore.IdRowKey("adj-ghost"))
        {
            ["EntryId"] = "adj-ghost",
            ["Sequence"] = 3L,
        };
        await s.Ledger.Table.AddEntityAsync(planted);

        var verify = await s.Audit().VerifyAsync(Ct);

        Assert.Contains(verify.Problems, p => p.Kind == "IdRowMismatch" && p.Subject == "id row " + LedgerStore.IdRowKey("adj-ghost"));
    }

    [Fact]
    public async Task Verify_IdRowPlantedJustPastTheHeadThenReachedByABookingDuringVerify_IsStillReported()
    {
        var s = await LedgerTestSetup.NewAsync(chain);
        await s.BookAndAnchorAsync(100, 200);
        await s.Ledger.Table.AddEntityAsync(new TableEntity(LedgerStore.PartitionKey(LedgerEntries.MainBook), LedgerStore.IdRowKey("adj-ghost"))
        {
            ["EntryId"] = "adj-ghost",
            ["Sequence"] = 3L,
        });

        // A booking lands on sequence 3 after the head was read: the head read again reaches the planted row.
        var verify = await Audit(s, HeadRead, () => s.BookAsync("adj-late", 300), out var hook).VerifyAsync(Ct);

        // Before: an id row the head reached meanwhile was excused unchecked, so the plant went unreported.
        Assert.True(hook.Fired);
        var problem = Assert.Single(verify.Problems);
        Assert.Equal(("IdRowMismatch", "id row " + LedgerStore.IdRowKey("adj-ghost")), (problem.Kind, problem.Subject));
        Assert.Contains("adj-late", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_AnchorConfirmedAfterTheChainWasRead_IsNotReportedAsMissingFromTheChain()
    {
        var s = await LedgerTestSetup.NewAsync(chain);
        await s.BookAndAnchorAsync(100, 200);
        await s.BookAsync("adj-3", 300);

        var verify = await Audit(s, EntriesScan, async () => Assert.Equal("confirmed", (await s.Anchoring.RunAsync(Ct)).Status), out var hook).VerifyAsync(Ct);

        // Before: the anchors table's new confirmed row was not among the memos read first, reported as AnchorNotOnChain.
        Assert.True(hook.Fired);
        Assert.True(verify.Ok, string.Join("; ", verify.Problems));
        Assert.Equal(2, (await s.Audit().VerifyAsync(Ct)).Anchors);
    }
}

using Billing.Application.Invoicing;
using Billing.Application.Metering;
using Billing.Application.Tests.Partners;

namespace Billing.Application.Tests.Ledger;

/// <summary>
/// Reconcile while a period close finishes or metering marks usage late: the invoices are scanned long before the late-usage
/// marks and the close records are read, and a close writes a payer's invoice, clears the marks that settles and writes the
/// month's close record last, so a month a close finishes meanwhile must not be reported as never closed, nor a payer as failing
/// in a close a newer one superseded. The writers are the real period closer and metering, run at an exact point of the
/// reconcile (<see cref="InterleavingTables"/>); a mark no close bills is still reported.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class LedgerAuditInFlightLateUsageTests(AzuriteFixture azurite)
{
    private const string Payer = "carrier-late";

    private static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>The month four before this one: no ClosePeriods timer run closes it any more, only a forced close.</summary>
    private static BillingPeriod PastTheTimer => ThisMonth.Previous.Previous.Previous.Previous;

    private static BillingPeriod ThisMonth => BillingPeriod.Containing(TimeProvider.System.GetUtcNow());

    [Fact]
    public async Task ReconcileAsync_MonthForceClosedRightAfterItsCloseRecordIsRead_NoLateUsageMonthNotClosed()
    {
        var s = await NewAsync();
        var month = PastTheTimer;
        await MarkedLateAsync(s, month);
        PeriodCloseResult? closed = null;

        // The close stores the payer's invoice, clears the mark and writes its record right after reconcile read the month's (none yet).
        var result = await InFlightReconcile.WithAsync(azurite, s, "invoices", async () => closed = await Closer(s.Tables).CloseAsync(month, force: true, Ct), CloseRecord(month));

        Assert.True(result.Ok, InFlightReconcile.Findings(result));
        Assert.Empty(result.Pending);
        Assert.Equal(new InvoiceId(Payer, month), Assert.Single(closed!.Invoices).Id);
    }

    [Fact]
    public async Task ReconcileAsync_MonthForceClosedWhileMeteringMarksItLateAgain_PendingNotMonthNotClosed()
    {
        var s = await NewAsync();
        var month = PastTheTimer;
        await MarkedLateAsync(s, month);

        // The close reads the marks, then metering marks the month late again: the close leaves that mark for the next close.
        var (closerTables, metered) = InterleavingTables.Create(azurite.ConnectionString, s.Tables, "PartitionKey eq 'late'", () => MeterLateSessionAsync(s.Tables, month));
        var result = await InFlightReconcile.WithAsync(azurite, s, "invoices", () => Closer(closerTables).CloseAsync(month, force: true, Ct), CloseRecord(month));

        Assert.True(metered.Fired);
        Assert.True(result.Ok, InFlightReconcile.Findings(result));
        var pending = Assert.Single(result.Pending);
        Assert.Equal(("LateUsagePending", $"{Payer} {month}"), (pending.Kind, pending.Subject));
        Assert.EndsWith($"the next close of a later month not yet closed for {Payer} bills it as an adjustment", pending.Detail, StringComparison.Ordinal);
        Assert.Equal((await s.Audit.ReconcileAsync(Ct)).Pending, result.Pending);
    }

    [Fact]
    public async Task ReconcileAsync_LaterMonthClosedRightAfterTheLatestCloseIsFound_NoLateUsageCloseFailed()
    {
        var s = await NewAsync();
        var (previous, failedIn, markedMonth) = (ThisMonth.Previous, ThisMonth.Previous.Previous, ThisMonth.Previous.Previous.Previous);
        var invoices = new InvoiceStore(s.Tables);
        Assert.True(await invoices.TrySaveCloseAsync(new PeriodCloseRecord(markedMonth, markedMonth.End.AddDays(1), new Dictionary<string, string>()), null, Ct));
        Assert.True(await invoices.TrySaveCloseAsync(new PeriodCloseRecord(failedIn, failedIn.End.AddDays(1), new Dictionary<string, string> { [Payer] = "Stripe: No such customer" }), null, Ct));
        await MarkedLateAsync(s, markedMonth);
        PeriodCloseResult? closed = null;

        // The cause fixed, the timer's close of the previous month bills the marked month for the payer and clears the mark, right
        // after reconcile found the latest close record and before it reads it.
        var result = await InFlightReconcile.WithAsync(azurite, s, "invoices", async () => closed = await Closer(s.Tables).CloseAsync(previous, force: false, Ct), "PartitionKey eq 'close'");

        Assert.True(result.Ok, InFlightReconcile.Findings(result));
        Assert.Empty(result.Pending);
        Assert.Contains(Assert.Single(closed!.Invoices).Lines, l => l.AdjustedPeriod == markedMonth);
    }

    [Fact]
    public async Task ReconcileAsync_MonthNeverClosedForThePayerAndPastTheTimer_StillMonthNotClosedWithItsDetail()
    {
        var s = await NewAsync();
        var month = PastTheTimer;
        var meteredAt = await MarkedLateAsync(s, month);

        var result = await InFlightReconcile.WithAsync(azurite, s, "invoices", () => Task.CompletedTask, CloseRecord(month));

        var finding = Assert.Single(result.Mismatches);
        string usage = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"usage of {month} metered after the closes that correct it routinely (first metered late at {meteredAt:u}, last at {meteredAt:u})");
        Assert.Equal(("LateUsageMonthNotClosed", $"{Payer} {month}", $"{usage}; a close adjusts only months closed for the payer, and {month} was never closed, and the ClosePeriods timer no longer closes it: closing it (?force=true once it is older than Billing:Invoicing:MaxCloseAge) bills it on its own invoice"),
            (finding.Kind, finding.Subject, finding.Detail));
        Assert.Empty(result.Pending);
    }

    [Fact]
    public async Task ReconcileAsync_PayersInvoiceOfTheMonthUnreadableWhenReadAgain_KeepsTheScansFinding()
    {
        var s = await NewAsync();
        var month = PastTheTimer;
        await MarkedLateAsync(s, month);
        var planted = new TableEntity(month.ToCompactString(), new InvoiceId(Payer, month).ToString()) { ["Payer"] = Payer, ["Lines"] = 3 };

        // Written outside the platform after the invoices scan, then the month closed (the payer fails on that row): whether the
        // month is closed for the payer is unknown when read again, so the finding is what the scans found.
        PeriodCloseResult? closed = null;
        var result = await InFlightReconcile.WithAsync(azurite, s, "invoices", async () =>
        {
            await s.Tables.Invoices.AddEntityAsync(planted, Ct);
            closed = await Closer(s.Tables).CloseAsync(month, force: true, Ct);
        }, CloseRecord(month));

        Assert.Contains(Payer, closed!.Failed.Keys);
        var finding = Assert.Single(result.Mismatches);
        Assert.Equal(("LateUsageMonthNotClosed", $"{Payer} {month}"), (finding.Kind, finding.Subject));
        Assert.Contains($"{month} was never closed", finding.Detail, StringComparison.Ordinal);
    }

    /// <summary>Fresh tables with one carrier on the shipped carrier plan.</summary>
    private async Task<CreditNoteSetup> NewAsync()
    {
        var s = await CreditNoteSetup.NewAsync(azurite);
        await new PartnerStore(s.Tables).UpsertAsync(new PartnerRegistration(new Partner(Payer, PartnerRole.Carrier, "carrier-standard-v1"), "k-carrier-late-001"), Ct);
        return s;
    }

    /// <summary>A session of <paramref name="month"/> (1.00 USD) and its mark, as metering leaves them once the month left its routine window; returns the mark's time.</summary>
    private static async Task<DateTimeOffset> MarkedLateAsync(CreditNoteSetup s, BillingPeriod month)
    {
        var facts = new FactStore(s.Tables);
        await facts.AppendAsync([SampleFacts.Carrier("s-1", 10_000_000_000, month.Start.AddDays(3), Payer)], Ct);
        var meteredAt = month.Next.Next.End.AddDays(1); // the close of month + 2, its last routine correction, could start the day before
        await facts.LateUsage.MarkAsync([(Payer, month)], meteredAt, Ct);
        return meteredAt;
    }

    /// <summary>Metering as a host runs it, now, of a session of <paramref name="month"/> that waited in the hub: it is marked late.</summary>
    private static async Task MeterLateSessionAsync(BillingTables tables, BillingPeriod month)
    {
        var directory = new PartnerDirectory(new PartnerStore(tables), Options.Create(new PartnerOptions()), TimeProvider.System, NullLogger<PartnerDirectory>.Instance);
        var metering = new MeteringService(new UsageEventValidator(directory, PartnerManagementTests.Plans()), new FactStore(tables), new QuarantineStore(tables), directory, TimeProvider.System, new MeteringLag(TimeProvider.System, Options.Create(new MeteringOptions()), NullLogger<MeteringLag>.Instance), NullLogger<MeteringService>.Instance);
        var late = SampleEvents.Carrier("backlogged-1", SampleEvents.NewHotspot(), 25_000_000_000, 0, month.End.AddHours(-1), source: Payer);
        var summary = await metering.MeterAsync(MeteringHubs.CarrierOffload, EventTypes.CarrierOffloadV1, new MeteringBatch([late.ToJsonString()], [month.End.AddDays(29)], [7], "0"), Ct);
        Assert.Equal((1, 0), (summary.Inserted, summary.Quarantined));
    }

    private static PeriodCloser Closer(BillingTables tables) =>
        new(new FactStore(tables), new InvoiceStore(tables), new PartnerStore(tables), PartnerManagementTests.Plans(), InvoiceFinalization.None, TimeProvider.System,
            Options.Create(new InvoicingOptions()), NullLogger<PeriodCloser>.Instance);

    /// <summary>The address of the point read of <paramref name="month"/>'s close record.</summary>
    private static string CloseRecord(BillingPeriod month) => $"invoices(PartitionKey='close',RowKey='{month.ToCompactString()}')";
}

namespace Billing.Application.Tests.Ledger;

/// <summary>
/// Reconcile on late usage (metered after the closes that correct its month routinely, marked for the next close): a
/// mark the next close settles is listed as pending and leaves the books ok; a mark no close settles, and a mark row that
/// cannot be read, are mismatches naming why.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class LedgerAuditLateUsageTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static readonly BillingPeriod February = new(2026, 2);
    private static readonly BillingPeriod March = new(2026, 3);
    private static readonly BillingPeriod May = new(2026, 5);
    private static readonly BillingPeriod July = new(2026, 7);
    private static readonly DateTimeOffset MeteredAt = new(2026, 10, 2, 8, 30, 0, TimeSpan.Zero);

    /// <summary>
    /// Two carriers and a provider; July closed, with carrier-failed failed in it; May closed, its record changed outside the
    /// platform; February never closed.
    /// </summary>
    private async Task<(BillingTables Tables, LedgerAudit Audit, LateUsageStore Late)> NewAsync()
    {
        var (tables, _, audit) = await ReconcileOnlyLedger.NewAsync(azurite);
        var partners = new PartnerStore(tables);
        foreach (var (partner, key) in new[]
        {
            (new Partner("carrier-tmo", PartnerRole.Carrier, "carrier-standard-v1"), "k-carrier-tmo-0001"),
            (new Partner("carrier-failed", PartnerRole.Carrier, "carrier-standard-v1"), "k-carrier-failed-1"),
            (new Partner("provider-nodeops", PartnerRole.Provider, null), "k-provider-0000001"),
        })
        {
            await partners.UpsertAsync(new PartnerRegistration(partner, key), Ct);
        }

        var invoices = new InvoiceStore(tables);
        await invoices.TrySaveCloseAsync(new PeriodCloseRecord(July, July.End.AddDays(1), new Dictionary<string, string> { ["carrier-failed"] = "Stripe: No such customer" }), null, Ct);
        await invoices.TrySaveCloseAsync(new PeriodCloseRecord(May, May.End.AddDays(1), new Dictionary<string, string>()), null, Ct);
        await tables.Invoices.UpdateEntityAsync(new TableEntity("close", May.ToCompactString()) { ["FailedPayers"] = 3 }, Azure.ETag.All, TableUpdateMode.Merge);
        return (tables, audit, new FactStore(tables).LateUsage);
    }

    [Fact]
    public async Task Reconcile_MarkTheNextCloseSettles_ListedAsPendingAndTheBooksStayOk()
    {
        var (_, audit, late) = await NewAsync();
        await late.MarkAsync([("carrier-tmo", July)], MeteredAt, Ct);

        var result = await audit.ReconcileAsync(Ct); // before: nothing told finance the month waits for a close

        var pending = Assert.Single(result.Pending);
        Assert.Equal(("LateUsagePending", "carrier-tmo 2026-07"), (pending.Kind, pending.Subject));
        Assert.Contains("first metered late at 2026-10-02 08:30:00Z, last at 2026-10-02 08:30:00Z", pending.Detail, StringComparison.Ordinal);
        Assert.Contains("next close", pending.Detail, StringComparison.Ordinal);
        Assert.Empty(result.Mismatches);
        Assert.True(result.Ok);
    }

    [Fact]
    public async Task Reconcile_MarksNoCloseSettles_EachAMismatchNamingWhy()
    {
        var (tables, audit, late) = await NewAsync();
        await late.MarkAsync([("carrier-gone", July), ("provider-nodeops", July), ("carrier-failed", July), ("carrier-tmo", February), ("carrier-tmo", May), ("carrier-tmo", March)], MeteredAt, Ct);
        var march = new Invoice(new InvoiceId("carrier-tmo", March), "carrier-standard-v1", InvoiceStatus.Draft, Currency.USD, [Adjustments.Line(February, new Money(100, Currency.USD))]).Finalize();
        await new InvoiceStore(tables).AddOrGetAsync(march, Ct); // its own invoice: March counts as closed for it, close record or not
        await tables.Facts.AddEntityAsync(new TableEntity("late", "202608|carrier-tmo") { ["Payer"] = "carrier-tmo", ["Month"] = "2026-08", ["MeteredAt"] = "yesterday" });

        var result = await audit.ReconcileAsync(Ct); // before: these marks stayed for good, silently (an unreadable one only logged by a close)

        var found = result.Mismatches.Where(m => m.Kind.StartsWith("LateUsage", StringComparison.Ordinal)).ToDictionary(m => (m.Kind, m.Subject), m => m.Detail);
        Assert.Contains("no partner carrier-gone", found[("LateUsageWithoutPayer", "carrier-gone 2026-07")], StringComparison.Ordinal);
        Assert.Contains("not a payer", found[("LateUsageWithoutPayer", "provider-nodeops 2026-07")], StringComparison.Ordinal);
        Assert.Contains("Stripe: No such customer", found[("LateUsageMonthNotClosed", "carrier-failed 2026-07")], StringComparison.Ordinal);
        Assert.Contains("never closed", found[("LateUsageMonthNotClosed", "carrier-tmo 2026-02")], StringComparison.Ordinal);
        Assert.Contains("property 'FailedPayers'", found[("LateUsageMonthNotClosed", "carrier-tmo 2026-05")], StringComparison.Ordinal);
        string unreadable = found[("LateUsageMarkUnreadable", "202608|carrier-tmo")];
        Assert.Contains("property 'MeteredAt'", unreadable, StringComparison.Ordinal);
        Assert.Equal(6, found.Count);
        Assert.Equal(("LateUsagePending", "carrier-tmo 2026-03"), (Assert.Single(result.Pending).Kind, result.Pending[0].Subject));
        Assert.False(result.Ok);
    }

    [Fact]
    public async Task Reconcile_TwoUnreadablePartnerRowsNamingOnePayer_MarkIsAMismatchNotAFailure()
    {
        var (tables, audit, late) = await NewAsync();
        await late.MarkAsync([("carrier-twin", July)], MeteredAt, Ct);
        foreach (string rowKey in new[] { "carrier-twin", "carrier%2dtwin" }) // both keys unescape to carrier-twin
        {
            await tables.Partners.AddEntityAsync(new TableEntity("p", rowKey) { ["Role"] = "Overlord" }, Ct);
        }

        var result = await audit.ReconcileAsync(Ct); // before: an ArgumentException (a duplicate key), so no report at all

        var mismatch = Assert.Single(result.Mismatches, m => m.Kind == "LateUsageWithoutPayer");
        Assert.Equal("carrier-twin 2026-07", mismatch.Subject);
        Assert.Contains("property 'Role'", mismatch.Detail, StringComparison.Ordinal);
        Assert.Empty(result.Pending);
    }

    [Fact]
    public async Task Reconcile_MonthOnlyAVoidInvoiceOrAPayerWithoutPlan_MismatchesAsTheCloseDecides()
    {
        var (tables, audit, late) = await NewAsync();
        await new PartnerStore(tables).UpsertAsync(new PartnerRegistration(new Partner("carrier-noplan", PartnerRole.Carrier, null), "k-carrier-noplan-1"), Ct);
        var voided = new Invoice(new InvoiceId("carrier-tmo", February), "carrier-standard-v1", InvoiceStatus.Draft, Currency.USD, [Adjustments.Line(new BillingPeriod(2026, 1), new Money(100, Currency.USD))]).Finalize().Void();
        await new InvoiceStore(tables).AddOrGetAsync(voided, Ct); // a void invoice does not close the month for its payer (the close ignores it)
        await late.MarkAsync([("carrier-tmo", February), ("carrier-noplan", July)], MeteredAt, Ct);

        var result = await audit.ReconcileAsync(Ct);

        Assert.Empty(result.Pending);
        var found = result.Mismatches.ToDictionary(m => (m.Kind, m.Subject), m => m.Detail);
        Assert.Contains("never closed", found[("LateUsageMonthNotClosed", "carrier-tmo 2026-02")], StringComparison.Ordinal);
        Assert.Contains("no price plan", found[("LateUsageWithoutPayer", "carrier-noplan 2026-07")], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reconcile_MonthMarkedLateAgain_DetailNamesTheFirstAndTheLastTime()
    {
        var (_, audit, late) = await NewAsync();
        await late.MarkAsync([("carrier-tmo", July)], MeteredAt, Ct);
        await late.MarkAsync([("carrier-tmo", July)], MeteredAt.AddDays(3), Ct); // a backlog marks the month on every batch

        var result = await audit.ReconcileAsync(Ct); // before: "marked since" the last time, so a month waiting for weeks looked fresh

        Assert.Contains("first metered late at 2026-10-02 08:30:00Z, last at 2026-10-05 08:30:00Z", Assert.Single(result.Pending).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reconcile_PayerFailedInTheLatestClose_MismatchNamingTheFailure()
    {
        var (tables, audit, late) = await NewAsync();
        var june = new BillingPeriod(2026, 6);
        await new InvoiceStore(tables).TrySaveCloseAsync(new PeriodCloseRecord(june, june.End.AddDays(1), new Dictionary<string, string>()), null, Ct);
        await late.MarkAsync([("carrier-failed", june), ("carrier-tmo", june)], MeteredAt, Ct); // June is closed for both

        var result = await audit.ReconcileAsync(Ct); // before: pending, though every close since fails carrier-failed

        var failed = Assert.Single(result.Mismatches);
        Assert.Equal(("LateUsageCloseFailed", "carrier-failed 2026-06"), (failed.Kind, failed.Subject));
        Assert.Contains("failed in the latest close, of 2026-07 (Stripe: No such customer)", failed.Detail, StringComparison.Ordinal);
        Assert.Contains("close 2026-07 again", failed.Detail, StringComparison.Ordinal);
        Assert.Equal(("LateUsagePending", "carrier-tmo 2026-06"), (Assert.Single(result.Pending).Kind, result.Pending[0].Subject));
        Assert.False(result.Ok);
    }

    [Fact]
    public async Task Reconcile_MonthNeverClosed_PendingWhileTheTimerStillClosesItAMismatchAfter()
    {
        var (_, audit, late) = await NewAsync();
        var previous = BillingPeriod.Containing(TimeProvider.System.GetUtcNow()).Previous;
        var reached = previous.Previous; // the timer closes the previous month and the two before it that have no close record
        var beyond = reached.Previous.Previous;
        await late.MarkAsync([("carrier-tmo", reached), ("carrier-tmo", beyond)], MeteredAt, Ct);

        var result = await audit.ReconcileAsync(Ct); // before: both LateUsageMonthNotClosed, though the timer closes one

        var pending = Assert.Single(result.Pending);
        Assert.Equal(("LateUsagePending", $"carrier-tmo {reached}"), (pending.Kind, pending.Subject));
        Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{reached} is not closed yet, and the ClosePeriods timer closes it before {reached.Next.Next.Next.End:u}"), pending.Detail, StringComparison.Ordinal);
        var notClosed = Assert.Single(result.Mismatches);
        Assert.Equal(("LateUsageMonthNotClosed", $"carrier-tmo {beyond}"), (notClosed.Kind, notClosed.Subject));
        Assert.Contains("the ClosePeriods timer no longer closes it", notClosed.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reconcile_ManyMarksOfOneMonth_ReadsItsCloseRecordOncePerRead()
    {
        var (tables, _, late) = await NewAsync();
        foreach (string payer in new[] { "carrier-three", "carrier-four" })
        {
            await new PartnerStore(tables).UpsertAsync(new PartnerRegistration(new Partner(payer, PartnerRole.Carrier, "carrier-standard-v1"), $"k-{payer}-0000001"[..18]), Ct);
        }

        await late.MarkAsync([("carrier-tmo", July), ("carrier-failed", July), ("carrier-three", July), ("carrier-four", July)], MeteredAt, Ct);
        var (counted, reads) = InterleavingTables.Create(azurite.ConnectionString, tables, $"PartitionKey='close',RowKey='{July.ToCompactString()}'", () => Task.CompletedTask, times: 0);

        var result = await ReconcileOnlyLedger.AuditOver(counted).ReconcileAsync(Ct);

        Assert.Equal(4, result.Pending.Count + result.Mismatches.Count); // each mark decided on the one record (July is the latest close too)
        Assert.Equal("LateUsageMonthNotClosed", Assert.Single(result.Mismatches).Kind); // carrier-failed's, confirmed by two reads after the scans
        Assert.Equal(3, reads.Matched); // once by the scan, once by each of those two reads: never once a mark
    }

    [Fact]
    public async Task Reconcile_UnreadableMarkOfAPayerIdTheKeyEscapes_SubjectUnescapedDetailNamesTheStoredRow()
    {
        var (tables, audit, late) = await NewAsync();
        await late.MarkAsync([("carrier|tmo", July)], MeteredAt, Ct);
        var row = Assert.Single(tables.Facts.Query<TableEntity>(r => r.PartitionKey == "late"));
        row["MeteredAt"] = "yesterday";
        await tables.Facts.UpdateEntityAsync(row, Azure.ETag.All, TableUpdateMode.Replace);

        var result = await audit.ReconcileAsync(Ct); // what the troubleshooting text tells finance to look for

        var unreadable = Assert.Single(result.Mismatches);
        Assert.Equal(("LateUsageMarkUnreadable", "202607|carrier|tmo"), (unreadable.Kind, unreadable.Subject));
        Assert.Contains("row '202607|carrier%7Ctmo'", unreadable.Detail, StringComparison.Ordinal);
    }
}

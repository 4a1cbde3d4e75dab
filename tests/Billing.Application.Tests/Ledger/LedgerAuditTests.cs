namespace Billing.Application.Tests.Ledger;

/// <summary>Anchoring on the localnet and what verify and reconcile report.</summary>
public class LedgerAuditTests(BurnChainFixture chain) : IClassFixture<BurnChainFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private Task<LedgerTestSetup> NewAsync() => LedgerTestSetup.NewAsync(chain);

    private static PaymentRecord Payment(string evt, string invoiceId, long amount) =>
        new(evt, invoiceId, InvoiceId.Parse(invoiceId).Payer, amount, "USD", "in_1", "cus_1", null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);

    private static async Task<Invoice> FinalizedInvoiceAsync(LedgerTestSetup s, string payer, long cents)
    {
        var line = Adjustments.Line(new BillingPeriod(2026, 9), new Money(cents, Currency.USD));
        var invoice = new Invoice(new InvoiceId(payer, new BillingPeriod(2026, 10)), "carrier-standard-v1", InvoiceStatus.Draft, Currency.USD, [line]).Finalize();
        await s.Invoices.AddOrGetAsync(invoice, Ct);
        await s.Recorder.InvoiceFinalizedAsync(invoice, Ct);
        return invoice;
    }

    [Fact]
    public async Task Anchor_NewEntries_MemoLandsAndVerifyIsOk_ThenNothingNewToAnchor()
    {
        var s = await NewAsync();
        var invoice = await FinalizedInvoiceAsync(s, "carrier-a", 1234);
        await s.Recorder.PaymentReceivedAsync(Payment("evt_a", invoice.Id.ToString(), 1234), Ct);

        var anchored = await s.Anchoring.RunAsync(Ct);
        var again = await s.Anchoring.RunAsync(Ct);

        Assert.Equal("confirmed", anchored.Status);
        Assert.StartsWith($"billing:anchor:v2:{s.Tables.Options.TablePrefix}:main:1-2:", anchored.Memo, StringComparison.Ordinal);
        var tx = await s.Rpc.GetTransactionAsync(anchored.Signature!, Commitment.Confirmed, Ct);
        Assert.Contains(tx!.Meta!.LogMessages, l => l.Contains(anchored.Memo!, StringComparison.Ordinal));
        Assert.Equal("nothing new to anchor", again.Status);
        var verify = await s.Audit().VerifyAsync(Ct);
        Assert.True(verify.Ok, string.Join("; ", verify.Problems));
        Assert.Equal((2, 1), (verify.Entries, verify.Anchors));
    }

    [Fact]
    public async Task Verify_AnchorRowRootTampered_ReportsRowNotOnChain()
    {
        var s = await NewAsync();
        await FinalizedInvoiceAsync(s, "carrier-b", 500);
        await s.Anchoring.RunAsync(Ct);
        var row = s.Anchors.Table.Query<TableEntity>().Single();
        foreach (var key in row.Keys.Where(k => k.Contains("Root", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            row[key] = new string('a', 64);
        }

        await s.Anchors.Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);

        var verify = await s.Audit().VerifyAsync(Ct);

        Assert.False(verify.Ok);
        Assert.Contains(verify.Problems, p => p.Kind == "AnchorNotOnChain" && p.Subject == "anchor 1-1"); // the chain still carries the true root
        Assert.DoesNotContain(verify.Problems, p => p.Kind == nameof(LedgerProblemKind.AnchorRootMismatch)); // the entries are intact
    }

    [Fact]
    public async Task Verify_EntryTampered_ReportsHashMismatchNamingTheEntry()
    {
        var s = await NewAsync();
        await FinalizedInvoiceAsync(s, "carrier-c", 700);
        await s.Recorder.PaymentReceivedAsync(Payment("evt_c", "INV-carrier-c-202610", 700), Ct);
        var rows = s.Ledger.Table.Query<TableEntity>(e => e.RowKey == LedgerStore.SequenceRowKey(1)).Single();
        string postings = rows.Keys.Single(k => k.Contains("Posting", StringComparison.OrdinalIgnoreCase));
        rows[postings] = ((string)rows[postings]).Replace("700", "7000", StringComparison.Ordinal);
        await s.Ledger.Table.UpdateEntityAsync(rows, rows.ETag, TableUpdateMode.Replace);

        var verify = await s.Audit().VerifyAsync(Ct);

        Assert.Contains(verify.Problems, p => p.Kind == nameof(LedgerProblemKind.HashMismatch) && p.Subject == "invoice-finalized:INV-carrier-c-202610");
    }

    [Fact]
    public async Task Reconcile_EveryKindOfMismatch_IsListed()
    {
        var s = await NewAsync();
        var unpaid = await FinalizedInvoiceAsync(s, "carrier-d", 1000);
        var paid = await FinalizedInvoiceAsync(s, "carrier-e", 2000);
        await s.Payments.TryAddAsync(Payment("evt_short", paid.Id.ToString(), 1500), Ct);     // a payment row without a decision, not booked
        await s.Payments.TryAddAsync(Payment("evt_ghost", "INV-nobody-202610", 100), Ct);     // unknown invoice
        var now = DateTimeOffset.UtcNow;
        await s.Burns.CreateIfAbsentAsync(new BurnIntent
        {
            Id = "burn-INV-carrier-d-202610", InvoiceId = unpaid.Id.ToString(), Payer = "carrier-d", PaymentId = "evt_none", UsdMinor = 1500, Currency = "USD",
            Status = BurnStatus.Finalized, TokenAmount = 4_000_000_000, Signature = "sig", CreatedAt = now.AddHours(-2), UpdatedAt = now,
        }, Ct);

        var result = await s.Audit().ReconcileAsync(Ct);

        var kinds = result.Mismatches.Select(m => (m.Kind, m.Subject)).ToHashSet();
        Assert.Contains(("PaymentNotApplied", paid.Id.ToString()), kinds);
        Assert.Contains(("PaymentNotBooked", "evt_short"), kinds);
        Assert.Contains(("PaymentForUnknownInvoice", "evt_ghost"), kinds);
        Assert.Contains(("BurnBeforePaid", unpaid.Id.ToString()), kinds);
        Assert.Contains(("BurnExceedsInvoice", "burn-INV-carrier-d-202610"), kinds);
        Assert.Contains(("BurnNotBooked", "burn-INV-carrier-d-202610"), kinds);
        Assert.DoesNotContain(result.Mismatches, m => m.Kind == "InvoiceNotBooked");
        Assert.False(result.Ok);
    }

    [Fact]
    public async Task Reconcile_UnanchoredPaymentEntryRewrittenWithTheChain_VerifyReportsItsSealAndReconcileTheEntry()
    {
        var s = await NewAsync();
        var invoice = await FinalizedInvoiceAsync(s, "carrier-r", 1234);
        await s.Anchoring.RunAsync(Ct); // the invoice's entry anchored; the payment's, below, not yet
        var payment = Payment("evt_r", invoice.Id.ToString(), 1234) with { Resolution = PaymentResolution.Applied, DeltaMinor = 1234, ToReceivableMinor = 1234 };
        await s.Payments.TryAddAsync(payment, Ct);
        await s.Recorder.PaymentAppliedAsync(payment, Ct);
        await s.RewriteAsync(2, 34); // the insider books 12.34 received as 0.34 and recomputes the chain

        var verify = await s.Audit().VerifyAsync(Ct);
        var result = await s.Audit().ReconcileAsync(Ct);

        // Before seals, verify was ok (the anchors cover the invoice's entry only): the rewritten entry's seal no longer verifies.
        Assert.Equal("payment:evt_r", Assert.Single(verify.Problems).Subject);
        Assert.Equal(SealFacts.Invalid, Assert.Single(verify.Problems).Kind);
        var finding = Assert.Single(result.Mismatches, m => m.Kind == "EntryMismatch"); // before: reconciled, the entry existed
        Assert.Equal("payment:evt_r", finding.Subject);
        Assert.Contains("the book has 34, the payment record makes 1234", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reconcile_UnanchoredRefundEntryRewrittenWithTheChain_VerifyReportsItsSealAndReconcileTheEntry()
    {
        var s = await NewAsync();
        await FinalizedInvoiceAsync(s, "carrier-rf", 1234);
        await s.Anchoring.RunAsync(Ct); // the invoice's entry anchored; the refund's, below, not yet
        var refund = new IncomingRefund("evt_rf", "ch_rf", null, null, "cus_rf", 1000, "USD", DateTimeOffset.UtcNow);
        await new RefundStore(s.Tables).RecordAsync(refund, Ct);
        await s.Ledger.AppendAsync(LedgerEntries.MainBook, RefundEntries.Refunded(new RefundBooking("ch_rf", 1, 1000, 1000, "USD", "evt_rf", null, "cus_rf"), 0, refund.At)!, Ct);
        await s.RewriteAsync(2, 34); // the insider books 10.00 refunded as 0.34 and recomputes the chain

        var verify = await s.Audit().VerifyAsync(Ct);
        var result = await s.Audit().ReconcileAsync(Ct);

        // Before seals, verify was ok (the anchors cover the invoice's entry only): the rewritten entry's seal no longer verifies.
        Assert.Equal(RefundEntries.Id("ch_rf", 1), Assert.Single(verify.Problems).Subject);
        Assert.Equal(SealFacts.Invalid, Assert.Single(verify.Problems).Kind);
        var finding = Assert.Single(result.Mismatches, m => m.Kind == "EntryMismatch"); // before: reconciled, refunds were not compared
        Assert.Equal(RefundEntries.Id("ch_rf", 1), finding.Subject);
        Assert.Contains("the book has -34, the refund row makes -1000", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reconcile_RowsHoldingPlantedValues_EachIsAFindingAndTheRestIsReconciled()
    {
        var s = await NewAsync();
        var unreadable = await FinalizedInvoiceAsync(s, "carrier-f", 1000);
        var paidBadly = await FinalizedInvoiceAsync(s, "carrier-g", 2000);
        var stateless = await FinalizedInvoiceAsync(s, "carrier-h", 3000);
        await s.Payments.TryAddAsync(Payment("evt_f", unreadable.Id.ToString(), 1000), Ct);
        await s.Payments.TryAddAsync(Payment("evt_g", paidBadly.Id.ToString(), 2000), Ct);
        await s.Payments.TryAddAsync(Payment("evt_ghost2", "INV-nobody-202610", 100), Ct);
        var now = DateTimeOffset.UtcNow;
        string burnId = BurnIntent.IdFor(paidBadly.Id.ToString());
        await s.Burns.CreateIfAbsentAsync(SampleBurns.Pending(burnId, paidBadly.Id.ToString(), 2000, now) with { Status = BurnStatus.Failed }, Ct);
        // As someone with write access to storage could: a value of another type in each kind of row.
        await s.Tables.Invoices.UpdateEntityAsync(new TableEntity("202610", unreadable.Id.ToString()) { ["TotalMinor"] = "1000" }, Azure.ETag.All, TableUpdateMode.Merge);
        await s.Tables.Payments.UpdateEntityAsync(new TableEntity(paidBadly.Id.ToString(), "evt_g") { ["AmountMinor"] = "2000" }, Azure.ETag.All, TableUpdateMode.Merge);
        await s.Tables.Payments.UpsertEntityAsync(new TableEntity(stateless.Id.ToString(), "|state") { ["CompletedBy"] = 1L }, TableUpdateMode.Replace);
        await s.Tables.Burns.UpdateEntityAsync(new TableEntity("burn", burnId) { ["UsdMinor"] = "2000" }, Azure.ETag.All, TableUpdateMode.Merge);

        var result = await s.Audit().ReconcileAsync(Ct); // before: the first unreadable row threw, and there was no report

        var found = result.Mismatches.ToDictionary(m => (m.Kind, m.Subject), m => m.Detail);
        Assert.Contains("property 'TotalMinor'", found[("InvoiceUnreadable", unreadable.Id.ToString())], StringComparison.Ordinal);
        Assert.Contains("property 'AmountMinor'", found[("PaymentUnreadable", "evt_g")], StringComparison.Ordinal);
        Assert.StartsWith(paidBadly.Id.ToString(), found[("PaymentUnreadable", "evt_g")], StringComparison.Ordinal);
        Assert.Contains("property 'CompletedBy'", found[("PaymentStateUnreadable", stateless.Id.ToString())], StringComparison.Ordinal);
        Assert.Contains("property 'UsdMinor'", found[("BurnUnreadable", burnId)], StringComparison.Ordinal);
        Assert.True(found.ContainsKey(("PaymentForUnknownInvoice", "evt_ghost2"))); // the rest is still reconciled
        Assert.True(found.ContainsKey(("PaymentNotBooked", "evt_f")));
        Assert.False(found.ContainsKey(("PaymentForUnknownInvoice", "evt_f"))); // its invoice exists, unreadable
        Assert.DoesNotContain(result.Mismatches, m => m.Subject == paidBadly.Id.ToString() || m.Subject == stateless.Id.ToString() && m.Kind != "PaymentStateUnreadable");
        Assert.Equal((2, 2), (result.Invoices, result.Payments));
    }

    [Fact]
    public async Task Reconcile_LedgerEntryRowHoldsAPlantedValue_IsAFindingAndWhatItBooksIsNotCalledUnbooked()
    {
        var s = await NewAsync();
        var invoice = await FinalizedInvoiceAsync(s, "carrier-r", 1500);
        var payment = Payment("evt_r", invoice.Id.ToString(), 1500);
        await s.Payments.TryAddAsync(payment, Ct);
        await s.Recorder.PaymentReceivedAsync(payment, Ct);
        await s.Payments.TryAddAsync(Payment("evt_r2", invoice.Id.ToString(), 1), Ct); // never booked: still found
        await s.PlantAsync(LedgerStore.SequenceRowKey(2), "Hash", 42L); // the payment's entry

        var result = await s.Audit().ReconcileAsync(Ct); // before: the unreadable entry threw, and there was no report

        var found = result.Mismatches.ToDictionary(m => (m.Kind, m.Subject), m => m.Detail);
        string detail = found[("LedgerEntryUnreadable", LedgerEntries.PaymentId("evt_r"))];
        Assert.Contains($"row '{LedgerStore.SequenceRowKey(2)}'", detail, StringComparison.Ordinal);
        Assert.Contains("property 'Hash'", detail, StringComparison.Ordinal);
        Assert.False(found.ContainsKey(("PaymentNotBooked", "evt_r")));
        Assert.True(found.ContainsKey(("PaymentNotBooked", "evt_r2")));
        Assert.DoesNotContain(result.Mismatches, m => m.Kind == "InvoiceNotBooked");
        Assert.Equal(1, result.Entries);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Reconcile_EntryPlantedPastTheHead_IsNotCountedAsBooked(bool dropIdRow)
    {
        var s = await NewAsync();
        var invoice = await FinalizedInvoiceAsync(s, "carrier-p", 900);
        var payment = Payment("evt_p", invoice.Id.ToString(), 900);
        await s.Payments.TryAddAsync(payment, Ct); // recorded, no decision: it owes an entry
        await s.Recorder.PaymentReceivedAsync(payment, Ct);
        await s.RewindHeadAsync(dropIdRow); // its entry now lies past the head, linked to it

        var result = await s.Audit().ReconcileAsync(Ct);

        Assert.Contains(result.Mismatches, m => (m.Kind, m.Subject) == ("PaymentNotBooked", "evt_p")); // before: counted as booked
        Assert.Equal(1, result.Entries);
    }

    [Fact]
    public async Task Anchor_EntryPlantedPastTheHead_AnchorsOnlyUpToTheHead()
    {
        var s = await NewAsync();
        await s.BookAsync("adj-1", 100);
        await s.BookAsync("adj-2", 200);
        await s.RewindHeadAsync(); // entry 2 now lies past the head, linked to it

        var anchored = await s.Anchoring.RunAsync(Ct);

        Assert.Equal("confirmed", anchored.Status);
        Assert.StartsWith($"billing:anchor:v2:{s.Tables.Options.TablePrefix}:main:1-1:", anchored.Memo, StringComparison.Ordinal); // before: 1-2, the planted row anchored for good
    }

    [Fact]
    public async Task Verify_RefundsBookedInStepsAndAnchored_Ok()
    {
        var s = await NewAsync();
        var invoice = await FinalizedInvoiceAsync(s, "carrier-r", 1234);
        string invoiceId = invoice.Id.ToString();
        await s.Recorder.PaymentReceivedAsync(Payment("evt_r", invoiceId, 1234), Ct);
        var refunds = new RefundStore(s.Tables);
        var bookings = new RefundBookings(s.Ledger, refunds, s.Invoices, s.Payments, new CreditNoteStore(s.Tables));
        foreach (long refunded in new long[] { 200, 500 })
        {
            var refund = new IncomingRefund("evt_re_" + refunded, "ch_r", null, "in_1", "cus_1", refunded, "USD", DateTimeOffset.UtcNow);
            await RefundRows.PlacedAsync(s.Tables, refund, invoiceId);
            Assert.NotNull(await bookings.BookAsync(refund, Ct));
        }

        await s.Anchoring.RunAsync(Ct);
        var verify = await s.Audit().VerifyAsync(Ct);

        Assert.True(verify.Ok, string.Join("; ", verify.Problems));
        Assert.Equal(4, verify.Entries);
        Assert.Equal([RefundEntries.Id("ch_r", 1), RefundEntries.Id("ch_r", 2)], (await s.Ledger.IndexedAsync(LedgerEntries.MainBook, LedgerIndex.Invoice(invoiceId), Ct)).Select(e => e.EntryId));
    }

    [Fact]
    public async Task Verify_SubjectIndexRowOfARefundDeleted_ReportsIndexRowMissing()
    {
        var s = await NewAsync();
        var invoice = await FinalizedInvoiceAsync(s, "carrier-ix", 1234);
        string invoiceId = invoice.Id.ToString();
        var refund = new IncomingRefund("evt_re_ix", "ch_ix", null, "in_1", "cus_1", 300, "USD", DateTimeOffset.UtcNow);
        await RefundRows.PlacedAsync(s.Tables, refund, invoiceId);
        var entry = await new RefundBookings(s.Ledger, new RefundStore(s.Tables), s.Invoices, s.Payments, new CreditNoteStore(s.Tables)).BookAsync(refund, Ct);
        string rowKey = LedgerStore.IndexRowKey(LedgerIndex.Invoice(invoiceId), entry!.EntryId);
        await s.Anchoring.RunAsync(Ct);

        await s.Ledger.Table.DeleteEntityAsync(LedgerStore.PartitionKey(LedgerEntries.MainBook), rowKey, Azure.ETag.All, Ct);
        var verify = await s.Audit().VerifyAsync(Ct);

        Assert.False(verify.Ok);
        Assert.Equal(rowKey, Assert.Single(verify.Problems, p => p.Kind == "IndexRowMissing").Subject);
    }
}

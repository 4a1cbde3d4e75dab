namespace Billing.Application.Tests.Ledger;

/// <summary>
/// Reconcile against the book on Azurite: a credit note or refund the book holds whose rows were deleted or rewritten outside
/// the platform is reported (<c>CreditNoteRowMissing</c>, <c>RefundRowMissing</c>), naming the entry.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class BookedRowMissingTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task ReconcileAsync_CreditNoteRowsDeletedAfterBooking_ReportsCreditNoteRowMissing()
    {
        var s = await CreditNoteSetup.NewAsync(azurite);
        var (invoiceId, _, stripeInvoice) = await s.PaidInvoiceAsync();
        await s.Credits.RecordAsync(CreditNoteSetup.Note(stripeInvoice, 3_000, cn: "cn_gone"), Ct);
        Assert.DoesNotContain(await s.ReconcileAsync(), p => p.Kind == "CreditNoteRowMissing");

        await foreach (var row in s.Tables.Credits.QueryAsync<TableEntity>(e => e.PartitionKey == TableKey.Escape(invoiceId), cancellationToken: Ct))
        {
            await s.Tables.Credits.DeleteEntityAsync(row.PartitionKey, row.RowKey, Azure.ETag.All, Ct);
        }

        var finding = Assert.Single(await s.ReconcileAsync(), p => p.Kind == "CreditNoteRowMissing");
        Assert.Equal(invoiceId, finding.Subject);
        Assert.Contains(CreditNoteEntries.IssuedId("cn_gone"), finding.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ReconcileAsync_RefundRowDeletedOrLoweredAfterBooking_ReportsRefundRowMissing(bool deleted)
    {
        var s = await CreditNoteSetup.NewAsync(azurite);
        var (invoiceId, _, stripeInvoice) = await s.PaidInvoiceAsync();
        await s.RefundProcessor().RecordAsync(new IncomingRefund("evt_re", "ch_gone", null, stripeInvoice, "cus_1", 3_000, "USD", DateTimeOffset.UtcNow), Ct);
        Assert.DoesNotContain(await s.ReconcileAsync(), p => p.Kind == "RefundRowMissing");

        if (deleted)
        {
            await s.Tables.Refunds.DeleteEntityAsync(RefundStore.Partition, "ch_gone", Azure.ETag.All, Ct);
        }
        else
        {
            await s.Tables.Refunds.UpdateEntityAsync(new TableEntity(RefundStore.Partition, "ch_gone") { ["AmountRefundedMinor"] = 1_000L }, Azure.ETag.All, TableUpdateMode.Merge, Ct);
        }

        var finding = Assert.Single(await s.ReconcileAsync(), p => p.Kind == "RefundRowMissing");
        Assert.Equal(invoiceId, finding.Subject);
        Assert.Contains(RefundEntries.Id("ch_gone", 1), finding.Detail, StringComparison.Ordinal);
        Assert.Contains(deleted ? "is missing" : "records 1000", finding.Detail, StringComparison.Ordinal);
    }
}

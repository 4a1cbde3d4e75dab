using Billing.Application.Tests.Payments;

namespace Billing.Application.Tests.Ledger;

/// <summary>
/// A state row planted under a needlessly escaped copy of an invoice's partition key (<c>%49NV-…</c> for <c>INV-…</c>),
/// which every lookup by id misses: reconcile names it as a row of its own and reconciles the invoice from its real row.
/// Real Azurite.
/// </summary>
public class LedgerAuditPlantedKeyTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Theory]
    [InlineData("payments", "PaymentStateUnreadable")]
    [InlineData("credits", "CreditNoteStateUnreadable")]
    public async Task ReconcileAsync_StateRowPlantedUnderNeedlesslyEscapedInvoiceKey_ReportsThatRowAndReconcilesTheRest(string table, string kind)
    {
        var s = await CreditNoteSetup.NewAsync(azurite);
        var (id, _, stripeInvoice) = await s.PaidInvoiceAsync();
        await s.Credits.RecordAsync(CreditNoteSetup.Note(stripeInvoice, 1_000), Ct);
        var before = (await s.ReconcileAsync()).Select(m => (m.Kind, m.Subject)).ToList();
        var rows = table == "payments" ? s.Tables.Payments : s.Tables.Credits;
        var real = (await rows.GetEntityAsync<TableEntity>(id, "|state", cancellationToken: Ct)).Value;
        string plantedKey = "%49" + id[1..]; // "I" escaped: unescapes to the same invoice id
        var planted = new TableEntity(plantedKey, "|state");
        foreach (var (name, value) in real.Where(p => p.Key is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag")))
        {
            planted[name] = value;
        }

        await rows.AddEntityAsync(planted, Ct);

        var after = await s.ReconcileAsync(); // before: ArgumentException "An item with the same key has already been added"

        var finding = Assert.Single(after, m => m.Subject == plantedKey);
        Assert.Equal(kind, finding.Kind);
        Assert.Contains("not a key this platform writes", finding.Detail, StringComparison.Ordinal);
        Assert.Equal(before, after.Where(m => m.Subject != plantedKey).Select(m => (m.Kind, m.Subject)).ToList()); // the real invoice as before
    }
}

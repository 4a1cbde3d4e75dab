using Billing.Tests.Shared;

namespace Billing.Storage.Tests.Ledger;

/// <summary>A fresh ledger book and anchor table on Azurite, created: the arrange step of the ledger store tests, with their clock and token.</summary>
internal sealed record LedgerTables(BillingTables Tables, LedgerStore Ledger, AnchorStore Anchors)
{
    /// <summary>The clock the ledger store tests book at.</summary>
    public static readonly DateTimeOffset T0 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly CancellationToken Ct = CancellationToken.None;

    public static async Task<LedgerTables> NewAsync(AzuriteFixture azurite)
    {
        BillingTables tables = await azurite.NewTablesAsync();
        var ledger = new LedgerStore(tables, TestSeals.Keys);
        var anchors = new AnchorStore(tables);
        await ledger.EnsureCreatedAsync(Ct);
        await anchors.EnsureCreatedAsync(Ct);
        return new LedgerTables(tables, ledger, anchors);
    }
}

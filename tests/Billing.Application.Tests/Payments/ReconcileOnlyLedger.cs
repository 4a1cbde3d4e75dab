using Billing.Tests.Shared;

namespace Billing.Application.Tests.Payments;

/// <summary>
/// Fresh tables on Azurite with the ledger and anchor tables created, and an audit for reconcile only: reconcile reads no
/// chain, so an unreachable RPC and an unconfigured anchor authority are enough. The payment tests' shared arrange step.
/// </summary>
internal sealed record ReconcileOnlyLedger(BillingTables Tables, LedgerStore Ledger, LedgerAudit Audit)
{
    public static async Task<ReconcileOnlyLedger> NewAsync(AzuriteFixture azurite)
    {
        var tables = await azurite.NewTablesAsync();
        var ledger = new LedgerStore(tables, TestSeals.Keys);
        await ledger.EnsureCreatedAsync(CancellationToken.None);
        await new AnchorStore(tables).EnsureCreatedAsync(CancellationToken.None);
        return new ReconcileOnlyLedger(tables, ledger, AuditOver(tables));
    }

    /// <summary>A reconcile-only audit over <paramref name="tables"/> (created already): e.g. the same tables through a test hook.</summary>
    public static LedgerAudit AuditOver(BillingTables tables)
    {
        var rpc = new SolanaRpcClient(new HttpClient(), new SolanaRpcOptions { RpcUrl = new Uri("http://127.0.0.1:9") });
        var options = Options.Create(new LedgerOptions());
        var authority = new AnchorAuthority(options, new TreasuryProvider(Options.Create(new SolanaOptions()), rpc), tables);
        return new LedgerAudit(new LedgerStore(tables, TestSeals.Keys), new AnchorStore(tables), new InvoiceStore(tables), new PaymentStore(tables), new BurnStore(tables), new CreditNoteStore(tables), new RefundStore(tables), new InvoicePaymentLinkStore(tables), new FactStore(tables), new PartnerStore(tables),
            rpc, authority, options, Options.Create(new Billing.Application.Invoicing.InvoicingOptions()), TimeProvider.System);
    }
}

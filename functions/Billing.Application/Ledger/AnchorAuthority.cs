namespace Billing.Application.Ledger;

/// <summary>The key that signs anchor memos (a dedicated keypair, or the treasury) and the ledger name the memos carry.</summary>
public sealed class AnchorAuthority(IOptions<LedgerOptions> options, TreasuryProvider treasury, BillingTables tables)
{
    private readonly Keypair? dedicated = string.IsNullOrWhiteSpace(options.Value.AnchorKeypair) ? null : Keypair.FromJson(options.Value.AnchorKeypair);

    public bool IsConfigured => dedicated is not null || treasury.IsConfigured;

    /// <summary>The ledger name in the memos: the configured name, else the table prefix (else "billing").</summary>
    public string LedgerName { get; } = Ledger.LedgerName.Resolve(options.Value.Name, tables.Options.TablePrefix);

    public async Task<Keypair> GetAsync(CancellationToken cancellationToken) =>
        dedicated ?? (await treasury.GetAsync(cancellationToken).ConfigureAwait(false)).Owner;
}

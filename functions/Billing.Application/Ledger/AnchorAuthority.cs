namespace Billing.Application.Ledger;

/// <summary>The key that signs anchor memos (a dedicated keypair, or the treasury) and the ledger name the memos carry.</summary>
public sealed class AnchorAuthority(IOptions<LedgerOptions> options, TreasuryProvider treasury, BillingTables tables)
{
    private readonly Keypair? dedicated = string.IsNullOrWhiteSpace(options.Value.AnchorKeypair) ? null : Keypair.FromJson(options.Value.AnchorKeypair);

    /// <summary>
    /// The keys of <see cref="LedgerOptions.RetiredAnchorAuthorities"/> (validated at start): keys that signed this
    /// deployment's anchors before the authority changed. Verify checks their rows against their memos.
    /// </summary>
    public IReadOnlyList<PublicKey> Retired { get; } = [.. options.Value.RetiredAuthorities().Select(key => new PublicKey(key))];

    public bool IsConfigured => dedicated is not null || treasury.IsConfigured;

    /// <summary>The ledger name in the memos: the configured name, else the table prefix (else "billing").</summary>
    public string LedgerName { get; } = Ledger.LedgerName.Resolve(options.Value.Name, tables.Options.TablePrefix);

    public async Task<Keypair> GetAsync(CancellationToken cancellationToken) =>
        dedicated ?? (await treasury.GetAsync(cancellationToken).ConfigureAwait(false)).Owner;
}

namespace Billing.Application.Ledger;

/// <summary>
/// Composition of the ledger: <c>Billing:Ledger</c> bound and validated at start, the recorder every money and token
/// movement books through, anchoring on Solana, the audit (verify, reconcile) and the read side (balances, entries, proofs).
/// </summary>
public static class LedgerServiceCollectionExtensions
{
    /// <summary>Needs <see cref="BurnsServiceCollectionExtensions.AddBurns"/> (the treasury signs anchors when no anchor keypair is set).</summary>
    public static IServiceCollection AddLedger(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddValidatedOptions<LedgerOptions, LedgerOptionsValidator>(configuration, LedgerOptions.Section)
            .PostConfigure(o =>
            {
                RetiredKeys.KeepCommaSeparated(configuration, LedgerOptions.RetiredAnchorAuthoritiesSetting, o.RetiredAnchorAuthorities);
                RetiredKeys.KeepCommaSeparated(configuration, LedgerOptions.RetiredSealKeysSetting, o.RetiredSealKeys);
            });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LedgerOptions>, LedgerSealKeyValidator>());
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<LedgerOptions>>().Value.SealKeys(sp.GetRequiredService<IOptions<StorageOptions>>().Value.TablesOnThisMachine));
        services.TryAddSingleton<LedgerStore>();
        services.TryAddSingleton<AnchorStore>();
        services.TryAddSingleton<LedgerRecorder>();
        services.TryAddSingleton<ILedgerRecorder>(sp => sp.GetRequiredService<LedgerRecorder>());
        services.TryAddSingleton<AnchorAuthority>();
        services.TryAddSingleton<LedgerName>();
        services.TryAddSingleton<PartnerPinCursor>();
        services.TryAddSingleton<PartnerAuditPinner>(); // the anchor timer pins partners' audit chains before it anchors
        services.TryAddSingleton<LedgerAnchorService>();
        services.TryAddSingleton<RefundStore>(); // reconcile compares Stripe's refunds with the credit notes
        services.TryAddSingleton<InvoicePaymentLinkStore>(); // and names the links it cannot read
        services.TryAddSingleton<LedgerAudit>();
        services.TryAddSingleton<ReconcileAcknowledger>();
        services.TryAddSingleton<LedgerReader>();
        return services;
    }
}

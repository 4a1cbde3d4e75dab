namespace Billing.Application.Burns;

/// <summary>Composition of burns: <c>Billing:Burns</c> bound and validated at start, the price oracle, the treasury and the executor.</summary>
public static class BurnsServiceCollectionExtensions
{
    /// <summary>Needs <see cref="SolanaServiceCollectionExtensions.AddSolana"/> (added here if missing) and an <c>ILedgerRecorder</c> (AddLedger).</summary>
    public static IServiceCollection AddBurns(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSolana(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddValidatedOptions<BurnOptions, BurnOptionsValidator>(configuration, BurnOptions.Section);
        services.TryAddSingleton<IPriceOracle>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<BurnOptions>>().Value;
            return string.IsNullOrWhiteSpace(o.PythPriceAccount)
                ? new FixedPriceOracle(o.FixedPrice!, sp.GetRequiredService<TimeProvider>())
                : new PythPriceOracle(sp.GetRequiredService<ISolanaRpcClient>(), new PublicKey(o.PythPriceAccount));
        });
        services.TryAddSingleton<BurnStore>();
        services.TryAddSingleton<CreditNoteStore>();
        services.TryAddSingleton<RefundStore>(); // a refund outside the credit notes holds the burn
        services.TryAddSingleton<PaymentStore>(); // the executor checks an invoice's settlement before it signs (pre-payment credit)
        services.TryAddSingleton<TreasuryProvider>();
        services.TryAddSingleton<BurnExecutor>();
        services.TryAddSingleton<BurnTrigger>();
        services.TryAddSingleton<BurnReleaser>();
        return services;
    }
}

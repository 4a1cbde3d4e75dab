using Microsoft.Extensions.Logging.Abstractions;

namespace Billing.Application.Burns;

/// <summary>Composition of burns: <c>Billing:Burns</c> bound and validated at start, the price oracle, the treasury and the executor.</summary>
public static partial class BurnsServiceCollectionExtensions
{
    /// <summary>Needs <see cref="SolanaServiceCollectionExtensions.AddSolana"/> (added here if missing) and an <c>ILedgerRecorder</c> (AddLedger).</summary>
    public static IServiceCollection AddBurns(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSolana(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddValidatedOptions<BurnOptions, BurnOptionsValidator>(configuration, BurnOptions.Section)
            .PostConfigure(o => RetiredKeys.KeepCommaSeparated(configuration, BurnOptions.RetiredTreasuryOwnersSetting, o.RetiredTreasuryOwners));
        services.TryAddSingleton(CreateOracle);
        services.TryAddSingleton<BurnStore>();
        services.TryAddSingleton<CreditNoteStore>();
        services.TryAddSingleton<RefundStore>(); // a refund outside the credit notes holds the burn
        services.TryAddSingleton<PaymentStore>(); // the executor checks an invoice's settlement before it signs (pre-payment credit)
        services.TryAddSingleton<TreasuryProvider>();
        services.TryAddSingleton<LedgerName>(); // scopes each burn's marker, as it scopes the anchors
        services.TryAddSingleton<BurnExecutor>();
        services.TryAddSingleton<BurnTrigger>();
        services.TryAddSingleton<BurnReleaser>();
        return services;
    }

    /// <summary>
    /// The configured price source; once (a singleton, resolved at start by the app), a warning when it is a Pyth feed with no
    /// full price band: nothing then stops a quote the feed vouches for, however far from the market, from being burned at.
    /// Not a start-up failure: deployments that ran before the band existed keep starting, and say what they lack.
    /// </summary>
    private static IPriceOracle CreateOracle(IServiceProvider sp)
    {
        var o = sp.GetRequiredService<IOptions<BurnOptions>>().Value;
        if (string.IsNullOrWhiteSpace(o.PythPriceAccount))
        {
            return new FixedPriceOracle(o.FixedPrice!, sp.GetRequiredService<TimeProvider>());
        }

        var band = o.Band();
        string? missing = (band.Min, band.Max) switch
        {
            (null, null) => $"{BurnOptions.MinTokenPriceSetting} and {BurnOptions.MaxTokenPriceSetting}",
            (null, _) => BurnOptions.MinTokenPriceSetting,
            (_, null) => BurnOptions.MaxTokenPriceSetting,
            _ => null,
        };
        if (missing is not null)
        {
            LogNoPriceBand(sp.GetService<ILogger<PythPriceOracle>>() ?? NullLogger<PythPriceOracle>.Instance, o.PythPriceAccount, missing);
        }

        return new PythPriceOracle(sp.GetRequiredService<ISolanaRpcClient>(), new PublicKey(o.PythPriceAccount));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Burns are priced by the Pyth account {PriceAccount} without {Missing}: any quote the feed vouches for is burned at, however far from the market (a glitch quoting a millionth of the price burns a million times the tokens, irreversibly; one far above skips the burn). Set the price band (docs/design.md §4.7)")]
    private static partial void LogNoPriceBand(ILogger logger, string priceAccount, string missing);
}

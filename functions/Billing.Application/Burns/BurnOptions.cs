namespace Billing.Application.Burns;

/// <summary>Burn policy, bound from <c>Billing:Burns</c>.</summary>
public sealed class BurnOptions
{
    public const string Section = "Billing:Burns";

    /// <summary>A quote older than this is refused: the burn waits, the payment stays recorded (docs/design.md §4.7).</summary>
    public TimeSpan MaxPriceAge { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The widest confidence interval a quote may have, in hundredths of a percent of its price (default 200: ±2 %). A wider
    /// one is a price the feed itself is unsure of: the burn waits for a narrower one (docs/design.md §4.7).
    /// </summary>
    public int MaxPriceConfidenceBasisPoints { get; set; } = 200;

    /// <summary>
    /// Fixed USD price per token for local runs, e.g. "2.50". Ignored when <see cref="PythPriceAccount"/> is set. No default:
    /// a deployment that configures neither fails at start instead of burning at a made-up price.
    /// </summary>
    public string? FixedPrice { get; set; }

    /// <summary>
    /// The lowest USD price per token a burn is signed at, e.g. "1.00" (invariant culture, exact decimal; empty: no lower bound).
    /// A quote below it is a feed glitch or a thin market, not a price to burn at: at a millionth of the real price a burn would
    /// take a million times the tokens, irreversibly. The burn waits for a quote inside the band (docs/design.md §4.7).
    /// </summary>
    public string? MinTokenPriceUsd { get; set; }

    /// <summary>
    /// The highest USD price per token a burn is signed at, e.g. "10.00" (empty: no upper bound). A quote above it would round a
    /// burn to nothing and end it skipped for good; the burn waits for a quote inside the band instead (docs/design.md §4.7).
    /// </summary>
    public string? MaxTokenPriceUsd { get; set; }

    /// <summary>The band of <see cref="MinTokenPriceUsd"/> and <see cref="MaxTokenPriceUsd"/>; for options <see cref="BurnOptionsValidator"/> passed.</summary>
    public PriceBand Band() => new(ParsePrice(MinTokenPriceUsd, MinTokenPriceSetting), ParsePrice(MaxTokenPriceUsd, MaxTokenPriceSetting));

    internal const string MinTokenPriceSetting = Section + ":" + nameof(MinTokenPriceUsd);

    internal const string MaxTokenPriceSetting = Section + ":" + nameof(MaxTokenPriceUsd);

    /// <summary>A price setting as a quote named after it; null when empty (an empty app setting is no setting).</summary>
    internal static PriceQuote? ParsePrice(string? text, string setting) =>
        string.IsNullOrWhiteSpace(text) ? null : PriceQuote.Parse(text, DateTimeOffset.UnixEpoch, setting);

    /// <summary>Pyth price account (base58) for clusters.</summary>
    public string? PythPriceAccount { get; set; }

    /// <summary>How long one executor holds the per-treasury lease; another instance takes over only after it lapses.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long one executor run keeps polling a submitted burn before leaving it to the next run.</summary>
    public TimeSpan ConfirmationWait { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Public keys (base58, never a keypair) of treasury owners this deployment signed burns with before a change of the
    /// treasury key (<c>Billing:Solana:TreasuryKeypair</c>): a landed burn one of them paid for and burned with is booked
    /// like one of the current owner's. A comma-separated list or an array (<c>RetiredTreasuryOwners__0</c>, …); keep a
    /// key listed until no burn it signed is in flight (README, "Changing the treasury key"). Never the current owner.
    /// </summary>
    public IList<string> RetiredTreasuryOwners { get; } = [];

    /// <summary>Most keys <see cref="RetiredTreasuryOwners"/> holds: each is needed only until the burns it signed settle.</summary>
    public const int MaxRetiredTreasuryOwners = 16;

    internal const string RetiredTreasuryOwnersSetting = Section + ":" + nameof(RetiredTreasuryOwners);

    /// <summary>The keys of <see cref="RetiredTreasuryOwners"/>, each entry split at its commas, blanks dropped.</summary>
    public IReadOnlyList<string> RetiredOwners() => RetiredKeys.Of(RetiredTreasuryOwners);

    public uint ComputeUnitLimit { get; set; } = 40_000;

    /// <summary>Priority fee in micro-lamports per compute unit (0: none).</summary>
    public ulong ComputeUnitPrice { get; set; }
}

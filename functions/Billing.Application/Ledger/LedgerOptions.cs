namespace Billing.Application.Ledger;

/// <summary>Anchoring and verification settings, bound from <c>Billing:Ledger</c>.</summary>
public sealed class LedgerOptions
{
    public const string Section = "Billing:Ledger";

    /// <summary>
    /// Name written into every anchor memo, separating deployments that share an anchor authority. Empty: the table
    /// prefix. Fixed for the life of a deployment (verification looks for memos under this name).
    /// </summary>
    public string? Name { get; set; }

    /// <summary>The anchor authority's keypair (Solana CLI JSON array; a Key Vault reference in Azure). Empty: the treasury signs anchors.</summary>
    public string? AnchorKeypair { get; set; }

    /// <summary>
    /// Public keys (base58, never a keypair) that signed this deployment's anchors before a change of the anchor authority
    /// (the treasury key rotated while it signs anchors, or <see cref="AnchorKeypair"/> set or changed): verify checks a
    /// row recorded as one of theirs, or of unknown signer, against that key's memo on chain. A comma-separated list or an
    /// array (<c>RetiredAnchorAuthorities__0</c>, …); never the current authority. Only this list is trusted: a row's own
    /// <c>Signer</c> column is storage's word.
    /// </summary>
    public IList<string> RetiredAnchorAuthorities { get; } = [];

    /// <summary>Most keys <see cref="RetiredAnchorAuthorities"/> holds (each row of theirs costs verify one transaction read).</summary>
    public const int MaxRetiredAnchorAuthorities = 16;

    internal const string RetiredAnchorAuthoritiesSetting = Section + ":" + nameof(RetiredAnchorAuthorities);

    /// <summary>The keys of <see cref="RetiredAnchorAuthorities"/>, each entry split at its commas, blanks dropped.</summary>
    public IReadOnlyList<string> RetiredAuthorities() => Burns.RetiredKeys.Of(RetiredAnchorAuthorities);

    /// <summary>
    /// The key every ledger row is sealed with (<see cref="LedgerSealKeys"/>): base64 of at least 32 random bytes, a secret
    /// storage does not hold (an app setting or Key Vault reference in Azure), so that someone with write access to the tables
    /// but not to the settings cannot append evidence the platform honours. Empty: required, except against tables on this
    /// machine, where the public <see cref="LedgerSealKeys.LocalKey"/> is used (and refused anywhere else).
    /// </summary>
    public string? SealKey { get; set; }

    /// <summary>
    /// Keys that sealed rows before <see cref="SealKey"/> was rotated (base64, a comma-separated list or an array): their
    /// seals still verify, new rows are sealed with the current key. A key removed from here no longer verifies its seals.
    /// </summary>
    public IList<string> RetiredSealKeys { get; } = [];

    /// <summary>Most keys <see cref="RetiredSealKeys"/> holds.</summary>
    public const int MaxRetiredSealKeys = 16;

    internal const string SealKeySetting = Section + ":" + nameof(SealKey);

    internal const string RetiredSealKeysSetting = Section + ":" + nameof(RetiredSealKeys);

    /// <summary>
    /// The seal keys these settings give (validated at start by <see cref="LedgerSealKeyValidator"/>): the configured key, or
    /// the local one when none is set and <paramref name="tablesOnThisMachine"/>.
    /// </summary>
    public LedgerSealKeys SealKeys(bool tablesOnThisMachine)
    {
        if (string.IsNullOrWhiteSpace(SealKey))
        {
            return tablesOnThisMachine
                ? new LedgerSealKeys(Convert.FromBase64String(LedgerSealKeys.LocalKey), Retired())
                : throw new InvalidOperationException($"{SealKeySetting} is not set (validated at start).");
        }

        return new LedgerSealKeys(Convert.FromBase64String(SealKey.Trim()), Retired());
        IEnumerable<byte[]> Retired() => Burns.RetiredKeys.Of(RetiredSealKeys).Select(Convert.FromBase64String);
    }

    /// <summary>How often <c>AnchorLedger</c> runs (keep in step with <c>AnchorSchedule</c>).</summary>
    public TimeSpan AnchorInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The least <see cref="AnchorGrace"/>: the timer's jitter, and a run that reads the chain and waits up to 20 s for its
    /// memo to confirm, must fit in it, or verify reports a healthy deployment as stalled.
    /// </summary>
    public static readonly TimeSpan MinAnchorGrace = TimeSpan.FromMinutes(1);

    /// <summary>Extra wait on top of <see cref="AnchorInterval"/> before an unanchored entry or a pending anchor is a problem (at least <see cref="MinAnchorGrace"/>).</summary>
    public TimeSpan AnchorGrace { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>At most this many entries per anchor, so an anchor's range (and a proof) stays small.</summary>
    public int MaxEntriesPerAnchor { get; set; } = 10_000;

    /// <summary>
    /// At most this many entries a run reads to backfill the subject index of a book written before appends indexed
    /// credit-note and refund entries (2026-12-06), so a large book is done over a few anchor runs.
    /// </summary>
    public int IndexBackfillEntriesPerRun { get; set; } = 10_000;

    /// <summary>
    /// When a book has had nothing new to anchor for this long (its newest anchor or heartbeat on chain is older), the
    /// anchoring run puts a heartbeat memo on chain, so a quiet book can be told from stopped anchoring.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromHours(6);

    public TimeSpan MaxUnanchoredAge => AnchorInterval + AnchorGrace;

    /// <summary>How old the newest anchor or heartbeat on chain may be before verify reports anchoring as stalled.</summary>
    public TimeSpan MaxChainSilence => HeartbeatInterval + AnchorInterval + AnchorGrace;
}

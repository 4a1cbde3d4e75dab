namespace Billing.Application.Ledger;

/// <summary>
/// Checks <c>Billing:Ledger</c> at start: the name, the keypair, the intervals, and the retired anchor authorities (public
/// keys other than the current authority).
/// </summary>
/// <param name="solana">The treasury settings, whose owner is the authority when no anchor keypair is set; none: not checked.</param>
public sealed class LedgerOptionsValidator(IOptions<SolanaOptions>? solana = null) : IValidateOptions<LedgerOptions>
{
    public ValidateOptionsResult Validate(string? name, LedgerOptions o)
    {
        var failures = new List<string>();
        if (!string.IsNullOrEmpty(o.Name) && !AnchorMemo.IsValidLedger(o.Name))
        {
            failures.Add($"Billing:Ledger:Name '{o.Name}' must be 1-{AnchorMemo.MaxLedgerLength} letters, digits, '-', '_' or '.'.");
        }

        if (!string.IsNullOrWhiteSpace(o.AnchorKeypair) && !Keypair.IsValidJson(o.AnchorKeypair))
        {
            failures.Add("Billing:Ledger:AnchorKeypair is not a Solana CLI keypair (a JSON array of 64 numbers).");
        }

        if (o.AnchorInterval <= TimeSpan.Zero || o.AnchorInterval > TimeSpan.FromDays(1))
        {
            failures.Add("Billing:Ledger:AnchorInterval must be between 0 and 1 day.");
        }

        if (o.AnchorGrace < LedgerOptions.MinAnchorGrace || o.AnchorGrace > TimeSpan.FromDays(1))
        {
            failures.Add("Billing:Ledger:AnchorGrace must be between 1 minute and 1 day: it is the room for a timer that fires late and a run that waits for its memo to confirm; with less, a healthy deployment is reported NotAnchored or AnchoringStalled.");
        }

        if (o.HeartbeatInterval <= TimeSpan.Zero || o.HeartbeatInterval < o.AnchorInterval || o.HeartbeatInterval > TimeSpan.FromDays(7))
        {
            failures.Add("Billing:Ledger:HeartbeatInterval must be positive, at least Billing:Ledger:AnchorInterval, and at most 7 days.");
        }

        if (o.MaxEntriesPerAnchor is < 1 or > 100_000)
        {
            failures.Add("Billing:Ledger:MaxEntriesPerAnchor must be between 1 and 100,000.");
        }

        if (o.IndexBackfillEntriesPerRun is < 1 or > 100_000)
        {
            failures.Add("Billing:Ledger:IndexBackfillEntriesPerRun must be between 1 and 100,000.");
        }

        RetiredAuthorities(o, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>
    /// <see cref="LedgerOptions.RetiredAnchorAuthorities"/>: public keys, a few, and never the current authority (listed by
    /// mistake for the old key, the old key's rows would go unchecked). A key that is none is named by its place, never
    /// echoed: it may be a keypair pasted in its stead.
    /// </summary>
    private void RetiredAuthorities(LedgerOptions o, List<string> failures)
    {
        var keys = o.RetiredAuthorities();
        RetiredKeys.Validate(keys, LedgerOptions.RetiredAnchorAuthoritiesSetting, (LedgerOptions.MaxRetiredAnchorAuthorities, "."), "earlier anchor authorities",
            (keys.Count > 0 ? CurrentAuthority(o) : null, "the current anchor authority (Billing:Ledger:AnchorKeypair, else the treasury): list only keys that no longer sign anchors."), failures);
    }

    /// <summary>The key that signs anchors with these settings: the anchor keypair, else the treasury's owner; null when neither can be read.</summary>
    private PublicKey? CurrentAuthority(LedgerOptions o)
    {
        if (!string.IsNullOrWhiteSpace(o.AnchorKeypair))
        {
            if (!Keypair.IsValidJson(o.AnchorKeypair))
            {
                return null; // reported above
            }

            using var keypair = Keypair.FromJson(o.AnchorKeypair);
            return keypair.PublicKey;
        }

        return solana is null ? null : TreasuryProvider.ConfiguredOwner(solana.Value);
    }
}

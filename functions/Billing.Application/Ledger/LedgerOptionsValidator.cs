namespace Billing.Application.Ledger;

public sealed class LedgerOptionsValidator : IValidateOptions<LedgerOptions>
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

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

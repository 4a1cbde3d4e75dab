namespace Billing.Application.Tests.Ledger;

/// <summary>Ledger options the ledger tests share.</summary>
internal static class LedgerTestOptions
{
    /// <summary>
    /// Entries due for anchoring after a minute and reported unanchored two minutes later (the defaults are 10 + 10), so a
    /// test can age the audit past the window with a fake clock of a few minutes.
    /// </summary>
    public static LedgerOptions ShortAnchorWindow() => new() { AnchorInterval = TimeSpan.FromMinutes(1), AnchorGrace = TimeSpan.FromMinutes(2) };

    /// <summary>
    /// Seconds instead of minutes and hours: a heartbeat is due when the newest anchor or heartbeat on chain is 3 s old,
    /// and verify reports anchoring stalled after 5 s (3 + 1 + 1), so a test waits a few seconds for the chain's block
    /// times (whole seconds, from the localnet's clock) to age; a run right after an anchor (under 2 s) sends none.
    /// </summary>
    public static LedgerOptions ShortHeartbeat() => new()
    {
        AnchorInterval = TimeSpan.FromSeconds(1), AnchorGrace = TimeSpan.FromSeconds(1), HeartbeatInterval = TimeSpan.FromSeconds(3),
    };
}

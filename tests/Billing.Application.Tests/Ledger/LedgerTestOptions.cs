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
    /// Seconds instead of minutes and hours: a heartbeat is due when the newest anchor or heartbeat on chain is 3 s old, and
    /// verify reports anchoring stalled after 6 s (3 + 1 + 2). Tests move the service's and verify's clock (a fake one) past
    /// the chain's block times rather than wait, except where rows must be written after the chain went quiet. The grace is
    /// below <see cref="LedgerOptions.MinAnchorGrace"/>, which the validator enforces at start: these options are built
    /// here, unvalidated, and the tests set the clocks, so there is no timer jitter to absorb.
    /// </summary>
    public static LedgerOptions ShortHeartbeat() => new()
    {
        AnchorInterval = TimeSpan.FromSeconds(1), AnchorGrace = TimeSpan.FromSeconds(2), HeartbeatInterval = TimeSpan.FromSeconds(3),
    };
}

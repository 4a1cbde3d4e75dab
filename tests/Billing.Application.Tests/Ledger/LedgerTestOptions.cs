namespace Billing.Application.Tests.Ledger;

/// <summary>Ledger options the ledger tests share.</summary>
internal static class LedgerTestOptions
{
    /// <summary>
    /// Entries due for anchoring after a minute and reported unanchored two minutes later (the defaults are 10 + 10), so a
    /// test can age the audit past the window with a fake clock of a few minutes.
    /// </summary>
    public static LedgerOptions ShortAnchorWindow() => new() { AnchorInterval = TimeSpan.FromMinutes(1), AnchorGrace = TimeSpan.FromMinutes(2) };
}

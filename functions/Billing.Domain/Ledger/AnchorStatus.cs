namespace Billing.Domain.Ledger;

/// <summary>Pending: recorded, memo not (yet) confirmed on chain. Confirmed: the memo transaction landed.</summary>
public enum AnchorStatus
{
    Pending,
    Confirmed,
}

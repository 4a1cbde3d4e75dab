namespace Billing.Application.Partners;

/// <summary>What a payer named in a query is (<see cref="PayerRecords.StandingAsync"/>).</summary>
public enum PayerStanding
{
    /// <summary>A partner, active or disabled, or one whose row cannot be read.</summary>
    Partner,

    /// <summary>No partner row, but the payer's audit trail or invoices remain: the row was removed outside the platform.</summary>
    RowMissing,

    /// <summary>Nothing of that id is stored: no partner (a typo, a wrong case).</summary>
    Unknown,
}

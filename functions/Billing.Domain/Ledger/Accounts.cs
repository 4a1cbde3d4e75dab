namespace Billing.Domain.Ledger;

/// <summary>
/// Account names: <c>{category}:{name}</c>. Per-payer accounts carry the payer id after the first colon
/// (<c>receivable:{payer}</c>, <c>adjustment:{payer}</c>); platform accounts carry a fixed name.
/// An account name is 1–<see cref="MaxLength"/> UTF-16 characters, none of them whitespace, control characters or
/// surrogates (so no characters beyond U+FFFF, such as emoji).
/// </summary>
public static class Accounts
{
    public const int MaxLength = 256;

    /// <summary>Money received through Stripe (an asset: debit = cash in).</summary>
    public const string CashStripe = "cash:stripe";

    /// <summary>Tokens held by the platform treasury (an asset: credit = tokens out).</summary>
    public const string TreasuryToken = "treasury:token";

    /// <summary>Tokens destroyed on chain (debit = tokens burned).</summary>
    public const string BurnedToken = "burned:token";

    /// <summary>Transit account for burns booked in steps (e.g. tokens reserved before the burn finalizes).</summary>
    public const string ClearingBurn = "clearing:burn";

    /// <summary>Revenue given back by Stripe credit notes (contra-revenue: debit = credited to a payer).</summary>
    public const string RevenueCreditNotes = "revenue:credit-notes";

    /// <summary>
    /// Transit for money Stripe refunded (a refund's entry debits it as cash leaves <see cref="CashStripe"/>) and what explains
    /// it (a credit note's entry credits it with the refunds the note made): zero once both are booked; a debit balance is money
    /// that went back outside any credit note, a credit balance a note whose refund Stripe has not reported yet.
    /// </summary>
    public const string ClearingRefunds = "clearing:refunds";

    /// <summary>Money a credit note says was paid back outside Stripe (an asset: credit = cash out).</summary>
    public const string CashOutOfBand = "cash:out-of-band";

    /// <summary>Revenue of the minimum-commitment true-up lines.</summary>
    public const string RevenueMinimumCommitment = "revenue:" + Invoicing.InvoiceLine.MinimumCommitmentMeter;

    /// <summary>Revenue corrections for earlier, already finalized periods (prior-period adjustment lines).</summary>
    public const string RevenuePriorPeriodAdjustment = "revenue:" + Invoicing.InvoiceLine.PriorPeriodAdjustmentMeter;

    public const string ReceivablePrefix = "receivable:";
    public const string RevenuePrefix = "revenue:";
    public const string AdjustmentPrefix = "adjustment:";
    public const string CustomerCreditPrefix = "credit:";
    public const string UnappliedPrefix = "unapplied:";

    /// <summary>What <paramref name="payer"/> owes (an asset of the platform: debit = billed, credit = paid).</summary>
    public static string Receivable(string payer) => ReceivablePrefix + Require(payer, nameof(payer));

    /// <summary>Revenue of one meter (credit = earned), e.g. <c>revenue:offload.bytes</c>.</summary>
    public static string Revenue(string meter) => RevenuePrefix + Require(meter, nameof(meter));

    /// <summary>Money a payer paid beyond an invoice's total (a liability: credit = owed back to the payer or to apply later).</summary>
    public static string CustomerCredit(string payer) => CustomerCreditPrefix + Require(payer, nameof(payer));

    /// <summary>Money received that could not be applied to an invoice (another currency, unknown or void invoice): a liability until resolved.</summary>
    public static string Unapplied(string payer) => UnappliedPrefix + Require(payer, nameof(payer));

    /// <summary>Manual corrections booked against one payer.</summary>
    public static string Adjustment(string payer) => AdjustmentPrefix + Require(payer, nameof(payer));

    /// <summary>Splits <c>{category}:{name}</c> at the first colon; false when there is none.</summary>
    public static bool TrySplit(string account, out string category, out string name)
    {
        ArgumentNullException.ThrowIfNull(account);
        int colon = account.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == account.Length - 1)
        {
            category = account;
            name = "";
            return false;
        }

        category = account[..colon];
        name = account[(colon + 1)..];
        return true;
    }

    /// <summary>True when the part after the first colon is exactly <paramref name="payer"/> (e.g. <c>receivable:{payer}</c>).</summary>
    public static bool BelongsTo(string account, string payer) =>
        TrySplit(account, out _, out string name) && string.Equals(name, payer, StringComparison.Ordinal);

    public static bool IsValid(string? account)
    {
        if (string.IsNullOrEmpty(account) || account.Length > MaxLength)
        {
            return false;
        }

        foreach (char c in account)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || char.IsSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }

    private static string Require(string value, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, name);
        return value;
    }
}

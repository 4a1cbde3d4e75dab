namespace Billing.Contracts.Partners;

/// <summary>Response headers of the routes that take <c>?payer=</c> (usage, rollups verify and rebuild, invoices, balances).</summary>
public static class PayerQueryHeaders
{
    /// <summary>
    /// Present when the payer has no partner row but its records remain (its audit trail or its invoices): the row was
    /// removed outside the platform, a storage problem to report and mend (<c>billing partners verify</c> names it
    /// <c>RowMissing</c>). The answer is what is stored for the payer, as for any partner; the value says this in words.
    /// </summary>
    public const string RowMissing = "Billing-Payer-Row-Missing";

    /// <summary>The value of <see cref="RowMissing"/> (ASCII; the payer is the one the query names).</summary>
    public const string RowMissingText = "the partner row of this payer is missing from storage (removed outside the platform) while its records remain; they are shown; restore the row and run billing partners verify";
}

using Billing.Domain.Ledger;

namespace Billing.Domain.Partners;

/// <summary>
/// What a payer's id must be beyond a partner id: it names the payer's invoices (<c>INV-{payer}-{yyyyMM}</c>), their
/// ledger entries (<c>invoice-finalized:INV-…</c>) and its ledger accounts (<c>receivable:{payer}</c>, …), so a payer
/// whose id any of them refuses could have its usage accepted and never billed.
/// </summary>
public static class PayerIds
{
    /// <summary>The longest payer id whose invoice entry id fits the ledger (<see cref="LedgerValidation.MaxEntryIdLength"/>).</summary>
    public static readonly int MaxLength = LedgerValidation.MaxEntryIdLength - LedgerEntries.InvoiceFinalizedId("INV--yyyyMM").Length;

    /// <summary>Why <paramref name="id"/> cannot be a payer's id, or null when it can.</summary>
    public static string? Problem(string? id) =>
        InvoiceId.PayerProblem(id)
        ?? (id!.Length > MaxLength ? $"must be at most {MaxLength} characters (its invoices' ledger entry ids hold it)" : null)
        ?? (Accounts.IsValid(Accounts.Receivable(id)) ? null : $"must fit a ledger account name (receivable:{{payer}}, at most {Accounts.MaxLength} characters, no characters beyond U+FFFF such as emoji)");
}

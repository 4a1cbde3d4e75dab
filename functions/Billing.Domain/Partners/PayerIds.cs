using Billing.Domain.Ledger;

namespace Billing.Domain.Partners;

/// <summary>
/// What a payer's id must be beyond a partner id: it names the payer's invoices (<c>INV-{payer}-{yyyyMM}</c>) and ledger
/// accounts (<c>receivable:{payer}</c>, …), so a payer whose id either refuses could have its usage accepted and never billed.
/// </summary>
public static class PayerIds
{
    /// <summary>Why <paramref name="id"/> cannot be a payer's id, or null when it can.</summary>
    public static string? Problem(string? id) =>
        InvoiceId.PayerProblem(id)
        ?? (Accounts.IsValid(Accounts.Receivable(id!)) ? null : $"must fit a ledger account name (receivable:{{payer}}, at most {Accounts.MaxLength} characters, no characters beyond U+FFFF such as emoji)");
}

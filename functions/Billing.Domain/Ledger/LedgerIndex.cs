namespace Billing.Domain.Ledger;

/// <summary>
/// The subjects the ledger indexes an entry under when it is appended (an index row beside the entry, in the same
/// transaction), so that the burn executor reads the money that went back on one invoice without reading the book:
/// credit-note entries and refund entries under <c>invoice:{id}</c>; a refund under no invoice yet under
/// <c>customer:{stripeCustomerId}</c>. Other entries are not indexed.
/// </summary>
public static class LedgerIndex
{
    public static string Invoice(string invoiceId) => "invoice:" + invoiceId;

    public static string Customer(string stripeCustomerId) => "customer:" + stripeCustomerId;

    /// <summary>The subject <paramref name="kind"/> with <paramref name="metadata"/> is indexed under; null when none.</summary>
    public static string? SubjectOf(LedgerEntryKind kind, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (kind is not (LedgerEntryKind.CreditNoteIssued or LedgerEntryKind.CreditNoteVoided or LedgerEntryKind.PaymentRefunded))
        {
            return null;
        }

        if (metadata.TryGetValue("invoiceId", out string? invoiceId) && invoiceId.Length > 0)
        {
            return Invoice(invoiceId);
        }

        return kind == LedgerEntryKind.PaymentRefunded && metadata.TryGetValue("stripeCustomerId", out string? customer) && customer.Length > 0
            ? Customer(customer)
            : null;
    }
}

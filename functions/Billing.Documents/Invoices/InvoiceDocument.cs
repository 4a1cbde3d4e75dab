namespace Billing.Documents.Invoices;

/// <summary>Everything an invoice document shows, gathered by the application; <see cref="InvoicePdf"/> only lays it out.</summary>
public sealed record InvoiceDocument
{
    public required Invoice Invoice { get; init; }

    public required InvoiceIssuer Issuer { get; init; }

    /// <summary>The payer's display name, when the registry knows one.</summary>
    public string? PayerName { get; init; }

    /// <summary>When the invoice was finalized (its ledger entry's time); null if unknown.</summary>
    public DateTimeOffset? IssuedAt { get; init; }

    /// <summary>When this document was made (the PDF's creation date).</summary>
    public required DateTimeOffset GeneratedAt { get; init; }

    /// <summary>
    /// For carriers: the offload bytes of the period the invoice was rated from (the Data Credits on the lines come from
    /// them), as kept with the invoice when it was made; null when it does not say (made before they were kept).
    /// </summary>
    public UInt128? OffloadBytes { get; init; }

    public IReadOnlyList<InvoicePayment> Payments { get; init; } = [];

    /// <summary>Stripe credit notes recorded against the invoice, standing or voided, applied or not.</summary>
    public IReadOnlyList<CreditNoteEntry> CreditNotes { get; init; } = [];

    public IReadOnlyList<BurnIntent> Burns { get; init; } = [];

    public required InvoiceLedgerRecord Ledger { get; init; }
}

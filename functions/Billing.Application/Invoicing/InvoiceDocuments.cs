using Billing.Documents.Invoices;

namespace Billing.Application.Invoicing;

/// <summary>
/// The invoice as a document: gathers what a customer needs beside the lines (payments, the burn, the ledger entry and
/// its on-chain anchor) and renders the PDF. The caller has already checked who may read it. Carriers' offload bytes are
/// those the invoice was rated from (<see cref="Invoice.RatedUsage"/>), never read again from the rollups: usage metered
/// after the close is billed on a later invoice and must not change this one's document. An invoice made before they were
/// kept shows none.
/// </summary>
public sealed partial class InvoiceDocuments(
    PaymentStore payments,
    CreditNoteStore credits,
    BurnStore burns,
    PartnerStore partners,
    LedgerStore ledgerStore,
    LedgerReader ledger,
    IOptions<InvoiceIssuerOptions> issuer,
    TimeProvider time,
    ILogger<InvoiceDocuments> logger)
{
    public async Task<byte[]> RenderPdfAsync(Invoice invoice, CancellationToken cancellationToken) =>
        InvoicePdf.Render(await AssembleAsync(invoice, cancellationToken).ConfigureAwait(false));

    public async Task<InvoiceDocument> AssembleAsync(Invoice invoice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        string id = invoice.Id.ToString();
        var paid = await payments.ListAsync(id, cancellationToken).ConfigureAwait(false);
        var burned = await burns.ListAsync(id, cancellationToken).ConfigureAwait(false);
        if (burned.Unreadable.Count > 0)
        {
            // A document that leaves out a burn would tell the customer none happened.
            throw new InvalidDataException($"the burn of invoice {id} cannot be read: {burned.Unreadable[0].Reason}");
        }

        // Unreadable notes throw InvalidDataException: a document that leaves out a credit note would bill what was credited.
        var (notes, _) = await credits.GetStateAsync(id, cancellationToken).ConfigureAwait(false);
        var record = await LedgerAsync(id, cancellationToken).ConfigureAwait(false);
        var payer = await partners.GetAsync(invoice.Payer, cancellationToken).ConfigureAwait(false);
        var options = issuer.Value;
        return new InvoiceDocument
        {
            Invoice = invoice,
            Issuer = new InvoiceIssuer(options.Name, options.Address, NullIfEmpty(options.Email), NullIfEmpty(options.TaxId)),
            PayerName = NullIfEmpty(payer?.DisplayName),
            IssuedAt = record.Entry?.OccurredAt,
            GeneratedAt = time.GetUtcNow(),
            OffloadBytes = invoice.RatedUsage.TryGetValue(Meters.OffloadBytes, out Int128 bytes) ? (UInt128)bytes : null,
            Payments = [.. paid.OrderBy(p => p.PaidAt).Select(p => new InvoicePayment(p.StripeEventId, p.PaidAt, p.AmountMinor, p.Currency, Outcome(p)))],
            CreditNotes = [.. notes.Notes.Values],
            Burns = burned.Items,
            Ledger = record,
        };
    }

    private async Task<InvoiceLedgerRecord> LedgerAsync(string invoiceId, CancellationToken cancellationToken)
    {
        string entryId = LedgerEntries.InvoiceFinalizedId(invoiceId);
        string proofPath = "/api/v1/ledger/proof/" + Uri.EscapeDataString(entryId);
        LedgerEntry? entry;
        try
        {
            entry = await ledgerStore.GetAsync(LedgerEntries.MainBook, entryId, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException)
        {
            // The document is still worth having; which row and why is finance's, through ledger verify.
            return new InvoiceLedgerRecord(entryId, proofPath, null) { Note = "the ledger entry of this invoice cannot be read (changed outside this platform); run ledger verify" };
        }

        var record = new InvoiceLedgerRecord(entryId, proofPath, entry);
        if (entry is null)
        {
            return record with { Note = "the ledger has no entry for this invoice" };
        }

        try
        {
            return await ledger.ProofAsync(entryId, payer: null, cancellationToken).ConfigureAwait(false) switch
            {
                LedgerProofResult.Found found => record with { Anchor = found.Anchor, Authority = found.Authority, ProofVerified = found.Verified },
                LedgerProofResult.Damaged damaged => record with { Note = $"entries of anchor {damaged.Anchor.Range} are missing from storage; run ledger verify" },
                LedgerProofResult.Unreadable => record with { Note = "an entry of the anchor covering it cannot be read (changed outside this platform); run ledger verify" },
                _ => record with { Note = "not anchored on chain yet (the AnchorLedger timer anchors new entries)" },
            };
        }
        catch (Exception ex) when (ex is SolanaRpcException or SolanaRpcTransportException or HttpRequestException)
        {
            // The document is still worth having without the anchor; the proof route shows it once the chain answers.
            LogAnchorUnavailable(logger, invoiceId, ex);
            return record with { Note = "the anchor could not be read from Solana just now; see the proof route" };
        }
    }

    private static string Outcome(PaymentRecord payment) => payment.Resolution switch
    {
        PaymentResolution.Applied => "applied",
        PaymentResolution.Unchanged => "already counted",
        PaymentResolution.Unapplied => $"not applied ({payment.Reason})",
        _ => "recorded",
    };

    private static string? NullIfEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    [LoggerMessage(EventId = 7301, Level = LogLevel.Warning, Message = "Invoice {InvoiceId}: the ledger anchor could not be read for its document")]
    private static partial void LogAnchorUnavailable(ILogger logger, string invoiceId, Exception exception);
}

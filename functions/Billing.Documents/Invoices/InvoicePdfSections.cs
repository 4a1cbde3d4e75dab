using Billing.Domain.Metering;

namespace Billing.Documents.Invoices;

/// <summary>The parts of an invoice document after its totals: usage in Data Credits, payments, burns, ledger and anchor.</summary>
internal static class InvoicePdfSections
{
    private const string DataCredits = "DC";

    public static void Usage(PageFlow flow, DocumentFonts fonts, InvoiceDocument document)
    {
        var offload = document.Invoice.Lines.Where(l => l.Meter == Meters.OffloadBytes).ToList();
        if (offload.Count == 0 && document.OffloadBytes is null)
        {
            return;
        }

        InvoicePdf.Section(flow, fonts, "Data offload");
        if (document.OffloadBytes is { } bytes)
        {
            InvoicePdf.Field(flow, fonts, "Bytes", $"{DocumentText.Integer(bytes)} bytes of offload in the period, as billed");
        }

        decimal credits = offload.Where(l => l.Unit == DataCredits).Sum(l => l.Quantity);
        InvoicePdf.Field(flow, fonts, "Data Credits", $"{DocumentText.Decimal(credits)} DC billed on the lines above");
    }

    public static void Payments(PageFlow flow, DocumentFonts fonts, InvoiceDocument document) =>
        ReferenceTable(flow, fonts, "Payments", ["Stripe event", "Paid at", "Amount", "Applied"],
            document.Payments.Select(p => (p.Reference, p.PaidAt, DocumentText.Minor(p.AmountMinor, p.Currency), p.Outcome)));

    /// <summary>Every credit note recorded against the invoice, so the document never shows a total that was credited as owed.</summary>
    public static void CreditNotes(PageFlow flow, DocumentFonts fonts, InvoiceDocument document) =>
        ReferenceTable(flow, fonts, "Credit notes", ["Credit note", "Issued", "Amount", "Effect"],
            document.CreditNotes.OrderBy(n => n.IssuedAt).ThenBy(n => n.CreditNoteId, StringComparer.Ordinal)
                .Select(n => (n.CreditNoteId, n.IssuedAt, DocumentText.Minor(n.Amounts.AmountMinor, n.Currency), Effect(n))));

    /// <summary>
    /// A section of Stripe records, one row each: the id whole in monospace, a time, an amount and what it did. Nothing (not
    /// even the title) when there are none; the header repeats on every page the table reaches.
    /// </summary>
    private static void ReferenceTable(PageFlow flow, DocumentFonts fonts, string title, string[] headers,
        IEnumerable<(string Reference, DateTimeOffset At, string Amount, string Outcome)> rows)
    {
        var list = rows.ToList();
        if (list.Count == 0)
        {
            return;
        }

        InvoicePdf.Section(flow, fonts, title);
        var columns = new TableColumn[] { new(PageFlow.Left, 185), new(PageFlow.Left + 190, 95), new(PageFlow.Left + 290, 85, AlignRight: true), new(PageFlow.Left + 385, 110) };
        void Header() => flow.Row(columns, [.. headers.Select(text => (IReadOnlyList<CellText>)[new CellText(text, fonts.TableBold)])]);
        Header();
        flow.OnNewPage = Header;
        foreach (var (reference, at, amount, outcome) in list)
        {
            flow.Row(columns,
            [
                [new CellText(reference, fonts.Mono)],
                [new CellText(DocumentText.Time(at), fonts.Table)],
                [new CellText(amount, fonts.Table)],
                [new CellText(outcome, fonts.Table)],
            ]);
        }

        flow.OnNewPage = null;
    }

    public static void Burns(PageFlow flow, DocumentFonts fonts, InvoiceDocument document)
    {
        foreach (var burn in document.Burns)
        {
            InvoicePdf.Section(flow, fonts, "Token burn on Solana");
            InvoicePdf.Field(flow, fonts, "Status", burn.Status.ToString().ToLowerInvariant() + (burn.Reason is { } reason ? $" ({reason})" : ""));
            InvoicePdf.Field(flow, fonts, "Paid amount", DocumentText.Minor(burn.UsdMinor, burn.Currency));
            if (burn.Price is { } price)
            {
                InvoicePdf.Field(flow, fonts, "Token amount",
                    $"{DocumentText.Tokens(burn.TokenAmount, burn.Decimals)} tokens ({burn.TokenAmount.ToString(CultureInfo.InvariantCulture)} base units, {burn.Decimals} decimals) at {price} USD per token");
            }

            Mono(flow, fonts, "Mint", burn.Mint);
            Mono(flow, fonts, "Signature", burn.Signature);
            if (burn.Slot is { } slot)
            {
                InvoicePdf.Field(flow, fonts, "Slot", slot.ToString(CultureInfo.InvariantCulture));
            }

            Mono(flow, fonts, "Memo", burn.Memo);
            Mono(flow, fonts, "Burn id", burn.Id);
        }
    }

    public static void Ledger(PageFlow flow, DocumentFonts fonts, InvoiceDocument document)
    {
        var ledger = document.Ledger;
        InvoicePdf.Section(flow, fonts, "Ledger and on-chain anchor");
        Mono(flow, fonts, "Ledger entry", ledger.EntryId);
        if (ledger.Entry is { } entry)
        {
            InvoicePdf.Field(flow, fonts, "Sequence", $"{entry.Sequence.ToString(CultureInfo.InvariantCulture)} in book '{entry.Book}', recorded {DocumentText.Time(entry.OccurredAt)}");
            Mono(flow, fonts, "Entry hash", entry.Hash);
        }

        if (ledger.Anchor is { } anchor)
        {
            var content = anchor.Content;
            InvoicePdf.Field(flow, fonts, "Anchor", $"entries {anchor.Range} of ledger '{content.Ledger}', slot {anchor.Slot.ToString(CultureInfo.InvariantCulture)}"
                + (anchor.BlockTime is { } at ? $", {DocumentText.Time(at)}" : ""));
            Mono(flow, fonts, "Merkle root", content.RootHex);
            Mono(flow, fonts, "Anchor tx", anchor.Signature);
            Mono(flow, fonts, "Authority", ledger.Authority);
            InvoicePdf.Field(flow, fonts, "Proof", ledger.ProofVerified ? "the entry's Merkle proof leads to this root" : "the entry's Merkle proof does NOT lead to this root");
        }
        else
        {
            InvoicePdf.Field(flow, fonts, "Anchor", ledger.Note ?? "not anchored yet");
        }

        flow.Skip(6);
        flow.Paragraph(
            $"Verify it yourself: fetch the proof at {ledger.ProofPath} (or run 'billing invoices verify {document.Invoice.Id} --rpc <url> --authority <key>'), "
            + "recompute the entry hash from its fields, follow the proof to the root, and check that the anchor transaction is signed by the authority "
            + "and carries that root in its memo.",
            fonts.Small, PageFlow.Left, PageFlow.Width, XBrushes.DimGray);
    }

    /// <summary>What a credit note did: void, not applied (why), or where its amount went.</summary>
    private static string Effect(CreditNoteEntry note)
    {
        if (note.Voided)
        {
            return note.VoidedAt is { } at ? $"void since {DocumentText.Date(at)}" : "void";
        }

        if (!note.Applied)
        {
            return $"not applied ({note.Reason})";
        }

        var parts = new List<string>();
        void Part(long minor, string what)
        {
            if (minor != 0)
            {
                parts.Add($"{DocumentText.Minor(minor, note.Currency)} {what}");
            }
        }

        Part(note.Amounts.PrePaymentMinor, "off the amount due");
        Part(note.Amounts.RefundedMinor, "refunded");
        Part(note.Amounts.CustomerBalanceMinor, "to the customer balance");
        Part(note.Amounts.OutOfBandMinor, "credited outside Stripe");
        return parts.Count == 0 ? "applied" : string.Join("; ", parts);
    }

    private static void Mono(PageFlow flow, DocumentFonts fonts, string label, string? value)
    {
        if (value is not null)
        {
            InvoicePdf.Field(flow, fonts, label, value, fonts.Mono);
        }
    }
}

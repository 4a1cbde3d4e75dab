namespace Billing.Documents.Invoices;

/// <summary>
/// Renders an <see cref="InvoiceDocument"/> as an A4 PDF: head (issuer, payer, id, status, period, dates), the lines on as
/// many pages as they need (the header repeats), totals, then what happened since: Data Credits for carriers, payments,
/// the token burn, and the ledger entry with its on-chain anchor. Money and token amounts are exact decimal strings.
/// </summary>
public static class InvoicePdf
{
    public const string ContentType = "application/pdf";

    private const double LabelWidth = 100;

    private static readonly TableColumn[] LineColumns =
    [
        new(PageFlow.Left, 18, AlignRight: true),
        new(PageFlow.Left + 24, 176),
        new(PageFlow.Left + 204, 86, AlignRight: true),
        new(PageFlow.Left + 296, 50),
        new(PageFlow.Left + 350, 66, AlignRight: true),
        new(PageFlow.Left + 420, 75, AlignRight: true),
    ];

    public static byte[] Render(InvoiceDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var fonts = new DocumentFonts();
        var invoice = document.Invoice;
        using var pdf = new PdfDocument();
        pdf.Info.Title = $"Invoice {invoice.Id}";
        pdf.Info.Author = document.Issuer.Name;
        pdf.Info.Subject = $"{invoice.Payer} {invoice.Period}";
        pdf.Info.CreationDate = document.GeneratedAt.UtcDateTime;
        using (var flow = new PageFlow(pdf))
        {
            Head(flow, fonts, document);
            Lines(flow, fonts, invoice);
            Totals(flow, fonts, invoice);
            InvoicePdfSections.Usage(flow, fonts, document);
            InvoicePdfSections.Payments(flow, fonts, document);
            InvoicePdfSections.CreditNotes(flow, fonts, document);
            InvoicePdfSections.Burns(flow, fonts, document);
            InvoicePdfSections.Ledger(flow, fonts, document);
            flow.Footers($"{document.Issuer.Name} · invoice {invoice.Id}", fonts.Small);
        }

        using var stream = new MemoryStream();
        pdf.Save(stream, closeStream: false);
        return stream.ToArray();
    }

    /// <summary>A "label: value" line; the value wraps in its own column (long ids break between characters).</summary>
    internal static void Field(PageFlow flow, DocumentFonts fonts, string label, string value, XFont? valueFont = null)
    {
        flow.Row(
            [new TableColumn(PageFlow.Left, LabelWidth - 4), new TableColumn(PageFlow.Left + LabelWidth, PageFlow.Width - LabelWidth)],
            [[new CellText(label, fonts.Body, XBrushes.DimGray)], [new CellText(value, valueFont ?? fonts.Body)]],
            padding: 1);
    }

    internal static void Section(PageFlow flow, DocumentFonts fonts, string title)
    {
        flow.Reserve(40); // a heading never ends a page
        flow.Skip(10);
        flow.Draw(title, fonts.Heading, PageFlow.Left);
        flow.Skip(PageFlow.LineHeight(fonts.Heading));
        flow.Rule();
    }

    private static void Head(PageFlow flow, DocumentFonts fonts, InvoiceDocument document)
    {
        var invoice = document.Invoice;
        var issuer = document.Issuer;
        flow.Reserve(120);
        flow.Draw("INVOICE", fonts.Title, PageFlow.Right, alignRight: true);
        flow.Paragraph(issuer.Name, fonts.Heading, PageFlow.Left, 300);
        foreach (string line in issuer.AddressLines)
        {
            flow.Paragraph(line, fonts.Body, PageFlow.Left, 300);
        }

        if (issuer.Email is { } email)
        {
            flow.Paragraph(email, fonts.Body, PageFlow.Left, 300);
        }

        if (issuer.TaxId is { } taxId)
        {
            flow.Paragraph("Tax id: " + taxId, fonts.Body, PageFlow.Left, 300);
        }

        flow.Skip(14);
        Field(flow, fonts, "Invoice", invoice.Id.ToString(), fonts.Bold);
        Field(flow, fonts, "Status", InvoiceJson.StatusName(invoice.Status));
        Field(flow, fonts, "Bill to", document.PayerName is { } name ? $"{name} ({invoice.Payer})" : invoice.Payer);
        Field(flow, fonts, "Plan", invoice.PlanId);
        Field(flow, fonts, "Period", $"{invoice.Period} ({DocumentText.Date(invoice.Period.Start)} to {DocumentText.Date(invoice.Period.End.AddDays(-1))}, UTC)");
        Field(flow, fonts, "Issued", document.IssuedAt is { } issued ? DocumentText.Time(issued) : "not recorded");
        if (invoice.StripeInvoiceId is { } stripe)
        {
            Field(flow, fonts, "Stripe invoice", stripe, fonts.Mono);
        }

        Field(flow, fonts, "Currency", invoice.Currency.Code);
    }

    private static void Lines(PageFlow flow, DocumentFonts fonts, Invoice invoice)
    {
        Section(flow, fonts, $"Lines ({invoice.Lines.Count})");
        void Header()
        {
            flow.Row(LineColumns,
            [
                [new CellText("#", fonts.TableBold)], [new CellText("Description", fonts.TableBold)], [new CellText("Quantity", fonts.TableBold)],
                [new CellText("Unit", fonts.TableBold)], [new CellText("Unit price", fonts.TableBold)], [new CellText($"Amount ({invoice.Currency.Code})", fonts.TableBold)],
            ]);
            flow.Rule(0.25);
        }

        Header();
        flow.OnNewPage = Header;
        int n = 0;
        foreach (var line in invoice.Lines)
        {
            n++;
            string detail = line.Group.Count == 0 ? line.Meter : $"{line.Meter} · {string.Join(", ", line.Group.Select(g => $"{g.Key}={g.Value}"))}";
            flow.Row(LineColumns,
            [
                [new CellText(n.ToString(System.Globalization.CultureInfo.InvariantCulture), fonts.Table)],
                [new CellText(line.Description, fonts.Table), new CellText(detail, fonts.Small, XBrushes.DimGray)],
                [new CellText(DocumentText.Decimal(line.Quantity), fonts.Table)],
                [new CellText(line.Unit ?? "", fonts.Table)],
                [new CellText(line.UnitPrice.ToString(System.Globalization.CultureInfo.InvariantCulture), fonts.Table)],
                [new CellText(DocumentText.Amount(line.Amount), fonts.Table)],
            ]);
        }

        flow.OnNewPage = null;
        flow.Rule(0.25);
    }

    private static void Totals(PageFlow flow, DocumentFonts fonts, Invoice invoice)
    {
        var columns = new TableColumn[] { new(PageFlow.Left + 150, 190, AlignRight: true), new(PageFlow.Left + 345, 150, AlignRight: true) };
        void Total(string label, string amount, XFont font) => flow.Row(columns, [[new CellText(label, font)], [new CellText(amount, font)]]);
        Total("Total", DocumentText.Money(invoice.Total), fonts.Bold);
        if (InvoiceJson.ShowsPayments(invoice))
        {
            if (!invoice.PrePaymentCredited.IsZero)
            {
                Total("Credited before payment", DocumentText.Money(invoice.PrePaymentCredited), fonts.Body); // why less is due than the total
            }

            Total("Amount paid", DocumentText.Money(invoice.AmountPaid), fonts.Body);
            Total("Amount due", DocumentText.Money(invoice.AmountRemaining), fonts.Bold);
        }
    }
}

namespace Billing.Documents.Layout;

/// <summary>
/// Writes top to bottom on A4 pages of one document, starting a new page when the next block does not fit. Text wider
/// than the space it gets is wrapped, and a word longer than a line (an id, a signature, a hash) is broken between
/// characters, so nothing ever runs off the page. Characters the font lacks and invisible ones are spelled out
/// (<see cref="PrintableText"/>), and no break falls inside such an escape.
/// </summary>
internal sealed class PageFlow(PdfDocument document) : IDisposable
{
    public const double Left = 50;
    public const double Right = 545;
    private const double Top = 50;
    private const double Bottom = 790; // the footer lives below

    private XGraphics? graphics;

    public double Y { get; private set; } = Top;

    public static double Width => Right - Left;

    /// <summary>Called after every page break, e.g. to repeat a table's header.</summary>
    public Action? OnNewPage { get; set; }

    private XGraphics Gfx => graphics ?? NewPage();

    public void Dispose() => graphics?.Dispose();

    /// <summary>Starts a new page unless <paramref name="height"/> points still fit on this one.</summary>
    public void Reserve(double height)
    {
        if (graphics is null || Y + height > Bottom)
        {
            NewPage();
            OnNewPage?.Invoke();
        }
    }

    public void Skip(double height) => Y += height;

    public double Measure(string text, XFont font) => Gfx.MeasureString(text, font).Width;

    /// <summary>Draws one line at <paramref name="x"/> (left edge, or right edge when <paramref name="alignRight"/>) on the current line.</summary>
    public void Draw(string text, XFont font, double x, bool alignRight = false, XBrush? brush = null)
    {
        var format = alignRight ? XStringFormats.TopRight : XStringFormats.TopLeft;
        Gfx.DrawString(text, font, brush ?? XBrushes.Black, new XPoint(x, Y), format);
    }

    /// <summary>Draws <paramref name="text"/> wrapped into <paramref name="width"/> from <paramref name="x"/>, moving down line by line.</summary>
    public void Paragraph(string text, XFont font, double x, double width, XBrush? brush = null)
    {
        foreach (string line in Wrap(text, font, width))
        {
            Reserve(LineHeight(font));
            Draw(line, font, x, brush: brush);
            Y += LineHeight(font);
        }
    }

    /// <summary>
    /// One table row: every cell's paragraphs are wrapped into its column and the row is kept on one page (the page breaks
    /// before it, and <see cref="OnNewPage"/> can repeat the header).
    /// </summary>
    public void Row(IReadOnlyList<TableColumn> columns, IReadOnlyList<IReadOnlyList<CellText>> cells, double padding = 2)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(cells);
        var laid = new List<(TableColumn Column, List<(string Line, CellText Part)> Lines, double Height)>();
        for (int i = 0; i < cells.Count; i++)
        {
            var lines = new List<(string, CellText)>();
            double height = 0;
            foreach (var part in cells[i])
            {
                foreach (string line in Wrap(part.Text, part.Font, columns[i].Width))
                {
                    lines.Add((line, part));
                    height += LineHeight(part.Font);
                }
            }

            laid.Add((columns[i], lines, height));
        }

        double rowHeight = laid.Max(c => c.Height) + padding;
        Reserve(rowHeight);
        double top = Y;
        foreach (var (column, lines, _) in laid)
        {
            Y = top;
            foreach (var (line, part) in lines)
            {
                Draw(line, part.Font, column.Anchor, column.AlignRight, part.Brush);
                Y += LineHeight(part.Font);
            }
        }

        Y = top + rowHeight;
    }

    public void Rule(double thickness = 0.5)
    {
        Reserve(4);
        Gfx.DrawLine(new XPen(XColors.Gray, thickness), Left, Y + 1, Right, Y + 1);
        Y += 4;
    }

    public static double LineHeight(XFont font)
    {
        ArgumentNullException.ThrowIfNull(font);
        return font.Size * 1.3;
    }

    /// <summary>The lines <paramref name="text"/> takes in <paramref name="width"/>: breaks at spaces, and inside words too long for a line.</summary>
    public IReadOnlyList<string> Wrap(string text, XFont font, double width)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = PrintableText.Of(text, font); // every character partners sent shows in this face, before it is measured
        var lines = new List<string>();
        string current = "";
        foreach (string word in text.Split(' '))
        {
            string candidate = current.Length == 0 ? word : current + " " + word;
            if (Measure(candidate, font) <= width)
            {
                current = candidate;
                continue;
            }

            if (current.Length > 0)
            {
                lines.Add(current);
            }

            current = word;
            while (current.Length > 1 && Measure(current, font) > width)
            {
                int fit = current.Length - 1;
                while (fit > 1 && Measure(current[..fit], font) > width)
                {
                    fit--;
                }

                // A break inside an escape would show half of it on each line; break before it instead, and keep an
                // escape wider than the whole line on a line of its own.
                int cut = PrintableText.CutOutsideEscape(current, fit);
                if (cut == 0)
                {
                    cut = PrintableText.EscapeLength(current, 0);
                }

                if (cut >= current.Length)
                {
                    break;
                }

                lines.Add(current[..cut]);
                current = current[cut..];
            }
        }

        lines.Add(current);
        return lines;
    }

    /// <summary>Writes "page n of N" and the document's reference at the foot of every page, once all pages exist.</summary>
    public void Footers(string reference, XFont font)
    {
        graphics?.Dispose();
        graphics = null;
        int count = document.PageCount;
        for (int i = 0; i < count; i++)
        {
            using var gfx = XGraphics.FromPdfPage(document.Pages[i], XGraphicsPdfPageOptions.Append);
            // The reference is a reminder; the head of the document has it whole.
            string text = Shortened(PrintableText.Of(reference, font), s => gfx.MeasureString(s, font).Width, Width - 80);
            gfx.DrawString(text, font, XBrushes.Gray, new XPoint(Left, 812), XStringFormats.TopLeft);
            gfx.DrawString($"page {i + 1} of {count}", font, XBrushes.Gray, new XPoint(Right, 812), XStringFormats.TopRight);
        }
    }

    /// <summary>
    /// <paramref name="text"/>, or as much of its head as fits in <paramref name="width"/> followed by "…"; the head
    /// never ends in part of an escape (<see cref="PrintableText"/>).
    /// </summary>
    internal static string Shortened(string text, Func<string, double> measure, double width)
    {
        string shown = text;
        int keep = text.Length;
        while (keep > 1 && measure(shown) > width)
        {
            keep = PrintableText.CutOutsideEscape(text, keep - 1);
            shown = text[..keep] + "…";
        }

        return shown;
    }

    private XGraphics NewPage()
    {
        graphics?.Dispose();
        var page = document.AddPage();
        page.Size = PdfSharp.PageSize.A4;
        graphics = XGraphics.FromPdfPage(page);
        Y = Top;
        return graphics;
    }
}

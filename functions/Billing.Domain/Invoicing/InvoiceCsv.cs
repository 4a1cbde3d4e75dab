namespace Billing.Domain.Invoicing;

/// <summary>
/// CSV export of invoice lines, one row per line (RFC 4180: comma separated, CRLF line ends, fields containing a comma,
/// quote, CR or LF are quoted with embedded quotes doubled). Columns:
/// <c>invoice_id,payer,period_start,period_end,line,meter,group,quantity,unit,unit_price,amount,currency</c>.
/// <c>line</c> is the 1-based line number within its invoice; <c>group</c> is the compact JSON object of the line's
/// dimension values (e.g. <c>{"gpuModel":"H100"}</c>, <c>{}</c> when none) with the text as it is (<see cref="GroupCell"/>); periods are ISO-8601 UTC instants
/// (<c>period_end</c> exclusive); amounts are invariant decimals. An invoice without lines produces no rows.
/// A text cell that starts with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or CR is prefixed with <c>'</c>
/// (<see cref="Text"/>), so no spreadsheet runs it as a formula: payers, meters and units come from configuration,
/// which the API's id rules do not reach. Numeric cells are written as they are (a negative amount stays a number).
/// </summary>
public static class InvoiceCsv
{
    public const string Header = "invoice_id,payer,period_start,period_end,line,meter,group,quantity,unit,unit_price,amount,currency";

    public static void Write(TextWriter writer, Invoice invoice)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        Write(writer, [invoice]);
    }

    /// <summary>Writes the header and then the lines of every invoice, in the given order.</summary>
    public static void Write(TextWriter writer, IEnumerable<Invoice> invoices)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(invoices);
        writer.Write(Header);
        writer.Write("\r\n");
        foreach (Invoice invoice in invoices)
        {
            string id = invoice.Id.ToString();
            string start = InvoiceJson.FormatInstant(invoice.Period.Start);
            string end = InvoiceJson.FormatInstant(invoice.Period.End);
            for (int i = 0; i < invoice.Lines.Count; i++)
            {
                InvoiceLine line = invoice.Lines[i];
                string[] fields =
                [
                    Text(id),
                    Text(invoice.Payer),
                    Text(start),
                    Text(end),
                    (i + 1).ToString(CultureInfo.InvariantCulture),
                    Text(line.Meter),
                    Text(GroupCell(line.Group)),
                    line.Quantity.ToString(CultureInfo.InvariantCulture),
                    Text(line.Unit ?? string.Empty),
                    line.UnitPrice.ToString(CultureInfo.InvariantCulture),
                    line.Amount.ToString(),
                    Text(invoice.Currency.Code),
                ];
                for (int f = 0; f < fields.Length; f++)
                {
                    if (f > 0)
                    {
                        writer.Write(',');
                    }

                    writer.Write(Escape(fields[f]));
                }

                writer.Write("\r\n");
            }
        }
    }

    /// <summary>
    /// A text cell a spreadsheet will not take for a formula: one starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>,
    /// tab or CR gets a leading <c>'</c> (OWASP's CSV injection rule). Not for numbers, whose sign is their value.
    /// </summary>
    public static string Text(string cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        return cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + cell : cell;
    }

    /// <summary>
    /// A line's group as compact JSON (keys in ordinal order) that a spreadsheet user reads: every character as it is
    /// (<c>{"site":"Zürich"}</c>, not <c>Z\u00FCrich</c>), but <c>"</c> and <c>\</c> escaped as JSON needs and, as
    /// <c>\uXXXX</c>, what would not show as itself in a cell: controls, format characters (bidi overrides, zero-width
    /// ones), line and paragraph separators and a surrogate without its pair. Still valid JSON of the same object.
    /// </summary>
    public static string GroupCell(IReadOnlyDictionary<string, string> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var sb = new StringBuilder("{");
        foreach ((string key, string value) in group.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (sb.Length > 1)
            {
                sb.Append(',');
            }

            JsonString(sb, key);
            sb.Append(':');
            JsonString(sb, value);
        }

        return sb.Append('}').ToString();
    }

    private static void JsonString(StringBuilder sb, string text)
    {
        sb.Append('"');
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            int width = char.IsSurrogatePair(text, i) ? 2 : 1;
            if (c is '"' or '\\')
            {
                sb.Append('\\').Append(c);
            }
            else if ((char.IsSurrogate(c) && width == 1) || CharUnicodeInfo.GetUnicodeCategory(text, i) is UnicodeCategory.Control or UnicodeCategory.Format
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                for (int k = i; k < i + width; k++)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)text[k]:X4}");
                }
            }
            else
            {
                sb.Append(text, i, width);
            }

            i += width - 1;
        }

        sb.Append('"');
    }

    /// <summary>RFC 4180 field quoting.</summary>
    public static string Escape(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}

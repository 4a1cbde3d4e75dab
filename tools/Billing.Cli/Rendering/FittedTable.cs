namespace Billing.Cli.Rendering;

/// <summary>
/// A table that fits its width (the terminal's, 80 when piped): as it is if it fits; else long ids are shortened
/// (head…tail); else the least needed columns are left out. Id columns never wrap, so an id is never split inside a cell.
/// Control and reordering characters in a cell are spelled out (<see cref="TerminalText.Visible"/>).
/// </summary>
public sealed class FittedTable
{
    private readonly List<Spec> columns = [];
    private readonly List<string?[]> rows = [];

    /// <param name="header">Column header.</param>
    /// <param name="right">Right-aligned (numbers, money).</param>
    /// <param name="shorten">How to shorten a value when the table is too wide (ids, signatures); null keeps it.</param>
    /// <param name="dropOrder">0: always shown; otherwise columns with the highest order are left out first.</param>
    public FittedTable Column(string header, bool right = false, Func<string?, string?>? shorten = null, int dropOrder = 0)
    {
        columns.Add(new Spec(header, right, shorten, dropOrder));
        return this;
    }

    public FittedTable Row(params string?[] cells)
    {
        rows.Add(cells);
        return this;
    }

    /// <summary>Width in terminal columns of the bordered table: cells plus a space either side and a border between.</summary>
    public static int WidthOf(IReadOnlyList<int> cellWidths)
    {
        ArgumentNullException.ThrowIfNull(cellWidths);
        return cellWidths.Sum() + (3 * cellWidths.Count) + 1;
    }

    public Table Build(int width, string? title = null)
    {
        var shown = Enumerable.Range(0, columns.Count).ToList();
        bool shortened = false;
        while (Measure(shown, shortened) > width)
        {
            if (!shortened && columns.Any(c => c.Shorten is not null))
            {
                shortened = true;
                continue;
            }

            var drop = shown.Where(i => columns[i].DropOrder > 0).OrderByDescending(i => columns[i].DropOrder).FirstOrDefault(-1);
            if (drop < 0)
            {
                break;
            }

            shown.Remove(drop);
        }

        var table = new Table();
        if (title is not null)
        {
            table.Title = new TableTitle(Markup.Escape(title));
        }

        foreach (int i in shown)
        {
            var column = new TableColumn(Markup.Escape(columns[i].Header));
            if (columns[i].Right)
            {
                column.RightAligned();
            }

            if (columns[i].Shorten is not null)
            {
                column.NoWrap();
            }

            table.AddColumn(column);
        }

        foreach (var row in rows)
        {
            table.AddRow(shown.Select(i => (IRenderable)new Text(Cell(row, i, shortened) ?? "")).ToArray());
        }

        return table;
    }

    private int Measure(List<int> shown, bool shortened) =>
        WidthOf(shown.Select(i => Math.Max(columns[i].Header.Length, rows.Count == 0 ? 0 : rows.Max(r => Cell(r, i, shortened)?.Length ?? 0))).ToList());

    private string? Cell(string?[] row, int i, bool shortened)
    {
        // Cells hold what partners sent (dimension values, ids, reasons): spelled out, they cannot drive or reorder the terminal.
        string? value = TerminalText.Visible(i < row.Length ? row[i] : null);
        return shortened && columns[i].Shorten is { } shorten ? shorten(value) : value;
    }

    private sealed record Spec(string Header, bool Right, Func<string?, string?>? Shorten, int DropOrder);
}

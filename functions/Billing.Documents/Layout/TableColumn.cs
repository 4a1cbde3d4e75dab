namespace Billing.Documents.Layout;

/// <summary>A column of a table drawn by <see cref="PageFlow.Row"/>: left edge, width, and whether its text aligns right.</summary>
internal sealed record TableColumn(double X, double Width, bool AlignRight = false)
{
    public double Anchor => AlignRight ? X + Width : X;
}

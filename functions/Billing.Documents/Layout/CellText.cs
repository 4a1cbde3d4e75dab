namespace Billing.Documents.Layout;

/// <summary>One paragraph of a table cell, in its font and colour.</summary>
internal sealed record CellText(string Text, XFont Font, XBrush? Brush = null);

namespace Billing.Contracts;

/// <summary>
/// The value of a list's <c>Billing-Unreadable-*</c> header (<see cref="Burns.BurnListHeaders"/>,
/// <see cref="Invoices.InvoiceListHeaders"/>): the ids of rows that cannot be read, each percent-encoded, separated by
/// commas, the first <see cref="MaxNamed"/>. Written by the function app, read by the CLI.
/// </summary>
public static class UnreadableRowsHeader
{
    public const int MaxNamed = 100;

    public static string Format(IEnumerable<string> ids) => string.Join(",", ids.Take(MaxNamed).Select(Uri.EscapeDataString));

    public static IReadOnlyList<string> Parse(string value) => [.. value.Split(',').Select(Uri.UnescapeDataString)];
}

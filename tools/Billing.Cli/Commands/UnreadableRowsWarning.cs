namespace Billing.Cli.Commands;

/// <summary>
/// Names, on standard error, rows a list left out because they cannot be read (changed outside the platform), so a
/// listing that looks complete on standard output never hides them.
/// </summary>
internal static class UnreadableRowsWarning
{
    /// <param name="context">Where standard error is.</param>
    /// <param name="what">The kind of row in the plural form of "N …(s)": <c>invoice</c>, <c>burn</c>, <c>partner</c>.</param>
    /// <param name="named">Each row's id, with why when the API says it.</param>
    /// <param name="more">What else the reader should know, appended after the names; null for nothing.</param>
    public static async Task WriteAsync(CliContext context, string what, IReadOnlyCollection<string>? named, string? more = null)
    {
        if (named is { Count: > 0 })
        {
            // The ids and reasons quote the rows, which were changed outside the platform: escape sequences are spelled out.
            await context.Error.WriteLineAsync(TerminalText.Visible(
                $"warning: {named.Count} {what}(s) cannot be read (their rows were changed outside the platform) and are left out: " +
                string.Join("; ", named) + (more is null ? "" : "; " + more))).ConfigureAwait(false);
        }
    }
}

namespace Billing.Cli.Commands;

/// <summary>Checks of option values that parsing cannot express; a failure is a usage error (exit 2).</summary>
internal static class ArgumentChecks
{
    public static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new UsageException(message);
        }
    }

    public static DateTimeOffset ParseInstant(string text, string option) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t
            : throw new UsageException($"{option} '{text}' is not a date-time (e.g. 2026-11-03T12:00:00Z)");

    public static DateOnly ParseMonth(string text, string what) =>
        DateOnly.TryParseExact(text, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : throw new UsageException($"{what} '{text}' is not a month in the form yyyy-MM (e.g. 2026-10)");
}

namespace Billing.Cli.Rendering;

/// <summary>Long ids and signatures shortened for table cells (head…tail), so a table never wraps one; full values go on their own line.</summary>
public static class Ids
{
    /// <summary><c>5Kq3Vd…x9Tz</c>: the first and last <paramref name="keep"/> characters around an ellipsis.</summary>
    public static string? Abbreviate(string? value, int keep = 4) =>
        value is null || value.Length <= (2 * keep) + 1 ? value : $"{value[..keep]}…{value[^keep..]}";

    /// <summary>An invoice id of at most <paramref name="max"/> characters, keeping its period suffix (<c>INV-carrier-ver…-202610</c>).</summary>
    public static string? Invoice(string? id, int max = 24)
    {
        const int Tail = 7; // "-yyyyMM"
        return id is null || id.Length <= max ? id : $"{id[..(max - Tail - 1)]}…{id[^Tail..]}";
    }
}

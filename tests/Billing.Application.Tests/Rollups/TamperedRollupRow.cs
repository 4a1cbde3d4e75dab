namespace Billing.Application.Tests.Rollups;

/// <summary>Changes a stored rollup row's sums behind the writer's back, as someone with write access to storage could, in either layout (docs/design.md §6).</summary>
internal static class TamperedRollupRow
{
    /// <summary>
    /// Appends a digit to the text of the row's first group property (a slot <c>G…</c>, or <c>S0</c> in the earlier
    /// layout): its last group's sum becomes ten times itself and a bit. Groups sort by meter, so that is an
    /// <c>offload.sessions</c> sum in a carrier's row.
    /// </summary>
    public static void AppendDigitToALastSum(TableEntity row)
    {
        string name = row.Keys.Where(k => k.Length > 1 && k[0] == 'G' && char.IsAsciiDigit(k[1])).Order(StringComparer.Ordinal).FirstOrDefault() ?? "S0";
        row[name] = row.GetString(name) + "7";
    }
}

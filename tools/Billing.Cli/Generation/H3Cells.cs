namespace Billing.Cli.Generation;

/// <summary>
/// Valid H3 cell indexes (mode 1) built from their bit fields: resolution, base cell (0–121) and one 3-bit digit per
/// resolution (0–6; the unused digits are 7). Pentagon base cells are never used, so the pentagon rule (no first
/// non-zero digit of 1) cannot be broken.
/// </summary>
internal static class H3Cells
{
    public const int BaseCells = 122;

    /// <summary>The twelve base cells that are pentagons.</summary>
    public static readonly IReadOnlySet<int> PentagonBaseCells = new HashSet<int> { 4, 14, 24, 38, 49, 58, 63, 72, 83, 97, 107, 117 };

    private const int MaxResolution = 15;

    /// <summary>The cell as 15 lowercase hex digits, e.g. <c>8928308280fffff</c> at resolution 9.</summary>
    /// <param name="baseCell">A hexagon base cell (0–121, not a pentagon).</param>
    /// <param name="digits">One digit 0–6 per resolution 1..n; n is the resolution.</param>
    public static string Format(int baseCell, IReadOnlyList<int> digits)
    {
        ArgumentNullException.ThrowIfNull(digits);
        if (baseCell is < 0 or >= BaseCells || PentagonBaseCells.Contains(baseCell))
        {
            throw new ArgumentOutOfRangeException(nameof(baseCell), baseCell, "a hexagon base cell 0-121");
        }

        if (digits.Count > MaxResolution || digits.Any(d => d is < 0 or > 6))
        {
            throw new ArgumentOutOfRangeException(nameof(digits), "at most 15 digits, each 0-6");
        }

        ulong index = 1UL << 59; // mode 1: a cell; the reserved bits stay 0
        index |= (ulong)digits.Count << 52;
        index |= (ulong)baseCell << 45;
        for (int r = 1; r <= MaxResolution; r++)
        {
            ulong digit = r <= digits.Count ? (ulong)digits[r - 1] : 7UL;
            index |= digit << ((MaxResolution - r) * 3);
        }

        return index.ToString("x15", CultureInfo.InvariantCulture);
    }

    /// <summary>A random hexagon base cell.</summary>
    public static int RandomHexagonBaseCell(Random rng)
    {
        while (true)
        {
            int cell = rng.Next(BaseCells);
            if (!PentagonBaseCells.Contains(cell))
            {
                return cell;
            }
        }
    }
}

namespace Billing.Domain.Metering;

/// <summary>
/// What a fact of a declared type contributes to one of its meters: the quantity (SUM, MAX, LATEST; 1 for COUNT and
/// UNIQUE_COUNT), the dimension values in the meter's dimension order (empty when absent), and for UNIQUE_COUNT the
/// value counted. Stored with the fact, so a stored fact is self-describing (rollups rebuild without the definitions).
/// </summary>
public sealed record MeterReading(string Meter, Aggregation Aggregation, long Quantity, IReadOnlyList<KeyValuePair<string, string>> Dimensions, string? Distinct)
{
    public string? Dimension(string name)
    {
        foreach (var (key, value) in Dimensions)
        {
            if (key == name)
            {
                return value;
            }
        }

        return null;
    }
}

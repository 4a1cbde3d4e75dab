namespace Billing.Contracts.Invoices;

/// <summary>
/// One invoice line. <see cref="Amount"/> and <see cref="UnitPrice"/> are exact decimal strings; <see cref="Quantity"/> a
/// JSON number (informational: fractional quantities are rated exactly); <see cref="Group"/> keys in ordinal order.
/// </summary>
public sealed record InvoiceLineResponse(
    string Meter,
    string Description,
    IReadOnlyDictionary<string, string> Group,
    decimal Quantity,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Unit, // null is written: a pseudo-meter has no unit
    string UnitPrice,
    string Amount);

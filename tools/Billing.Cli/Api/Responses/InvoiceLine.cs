namespace Billing.Cli.Api.Responses;

/// <summary>One line of an <see cref="Invoice"/>; amounts as the API wrote them (decimal strings).</summary>
public sealed record InvoiceLine(
    string? Meter,
    string? Description,
    IReadOnlyDictionary<string, string?> Group,
    string? Quantity,
    string? Unit,
    string? UnitPrice,
    string? Amount);

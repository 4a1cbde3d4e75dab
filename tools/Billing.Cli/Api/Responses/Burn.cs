namespace Billing.Cli.Api.Responses;

/// <summary>One entry of <c>GET /api/v1/burns</c>: the USD paid, the price, the tokens (base units and decimals) and the Solana transaction.</summary>
public sealed record Burn(
    string? Id,
    string? InvoiceId,
    long? UsdMinor,
    string? Price,
    string? TokenAmount,
    long? Decimals,
    string? Status,
    string? Signature,
    string? Slot);

namespace Billing.Contracts.Burns;

/// <summary>
/// Finance's decision on a held burn (<c>POST /api/v1/burns/{id}/release</c>): burn <see cref="AmountMinor"/> minor units of the
/// invoice's currency (0: nothing), at most what the invoice kept after its credit notes and refunds, for the reason in
/// <see cref="Note"/> (required, at most 500 characters), recorded on the burn.
/// </summary>
public sealed record ReleaseBurnRequest(long AmountMinor, string Note);

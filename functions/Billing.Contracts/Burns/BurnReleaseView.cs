namespace Billing.Contracts.Burns;

/// <summary>
/// One release of a held burn as <c>GET /api/v1/burns</c> lists it (its <c>releases</c>): who, when, what finance
/// decided to burn and what the invoice kept after its credit notes and refunds at that moment (<c>null</c> on a release
/// recorded before that was kept), and why.
/// </summary>
public sealed record BurnReleaseView(
    string ReleasedBy,
    DateTimeOffset ReleasedAt,
    long AmountMinor,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] long? KeptMinor,
    string Note);

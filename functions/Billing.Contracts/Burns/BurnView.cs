namespace Billing.Contracts.Burns;

/// <summary>
/// One burn intent as <c>GET /api/v1/burns</c> lists it. <see cref="TokenAmount"/> is a u64 in base units, a decimal string
/// so JSON readers lose nothing; <see cref="Price"/> is USD per token as a decimal string. Unset members are <c>null</c>.
/// <see cref="ReleasedBy"/>, <see cref="ReleasedAt"/> and <see cref="ReleaseNote"/> say who released a held burn, when and why
/// (<c>POST /api/v1/burns/{id}/release</c>) in the release that stands; <see cref="UsdMinor"/> is then what finance decided to
/// burn. A burn held again after a release is released again: <see cref="Releases"/> lists every release, oldest first, the last
/// being the one that stands (empty for a burn nobody released). <see cref="Marker"/> is the address of the account the burn's
/// signed transaction sets so that the chain refuses a second one (docs/design.md §4.6); null before signing and for burns
/// signed before markers.
/// </summary>
public sealed record BurnView(
    string Id,
    string InvoiceId,
    long UsdMinor,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Price,
    string TokenAmount,
    int Decimals,
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Signature,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Marker,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] ulong? Slot,
    string Payer,
    string Currency,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Mint,
    string Memo,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Reason,
    int Signings,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<BurnReleaseView> Releases,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? ReleasedBy = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? ReleasedAt = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? ReleaseNote = null);

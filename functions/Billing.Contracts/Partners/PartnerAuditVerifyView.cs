namespace Billing.Contracts.Partners;

/// <summary>
/// One partner's verification: <see cref="Problems"/> has one line per finding (<c>"{kind} {entry id or 'partner row'}: {detail}"</c>),
/// <see cref="Details"/> the same findings as objects. <see cref="Head"/> is the chain head the partner row records.
/// <see cref="Unsettled"/> (absent otherwise) says why the partner's row could not be checked: it changed during every
/// read, so its head and state were not (its entries, copies and pins were, and their problems are listed); it is not
/// <see cref="Ok"/>, and verify should be run again.
/// </summary>
public sealed record PartnerAuditVerifyView(
    string Partner,
    bool Ok,
    int Entries,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Head,
    IReadOnlyList<string> Problems,
    IReadOnlyList<AuditFinding> Details,
    string? Unsettled = null);

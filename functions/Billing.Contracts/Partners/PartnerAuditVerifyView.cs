namespace Billing.Contracts.Partners;

/// <summary>
/// One partner's verification: <see cref="Problems"/> has one line per finding (<c>"{kind} {entry id or 'partner row'}: {detail}"</c>),
/// <see cref="Details"/> the same findings as objects. <see cref="Head"/> is the chain head the partner row records.
/// <see cref="Unsettled"/> (absent otherwise) says why the partner could not be verified: its row changed during every
/// read, so nothing of it was checked; it is not <see cref="Ok"/>, has no problems, and verify should be run again.
/// </summary>
public sealed record PartnerAuditVerifyView(
    string Partner,
    bool Ok,
    int Entries,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Head,
    IReadOnlyList<string> Problems,
    IReadOnlyList<AuditFinding> Details,
    string? Unsettled = null);

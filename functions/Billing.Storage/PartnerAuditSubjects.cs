namespace Billing.Storage;

/// <summary>
/// Whom the partner audit covers (<see cref="PartnerStore.AuditSubjectsAsync"/>): the ids of partners with a row or an
/// audit trail, and apart from them the keys of rows in the partners' partition that no partner id escapes to (planted,
/// including a needless escape such as <c>%41</c>: no lookup by id finds them, so verification reports them by key).
/// </summary>
public sealed record PartnerAuditSubjects(IReadOnlyList<string> Ids, IReadOnlyList<string> ForeignKeys);

namespace Billing.Storage;

/// <summary>An append-only record of one change to a partner: who (the caller's partner id), when, what.</summary>
/// <param name="Id">Unique and time-ordered (<c>{ticks}-{random}</c>); also the paging cursor.</param>
/// <param name="At">When the change was made.</param>
/// <param name="Actor">The partner id of the caller who made it.</param>
/// <param name="PartnerId">The partner changed.</param>
/// <param name="Action">create, plan-change, profile-change, disable, enable or key-rotation.</param>
/// <param name="Changes">The fields it changed, before and after.</param>
public sealed record PartnerAuditEntry(string Id, DateTimeOffset At, string Actor, string PartnerId, string Action, IReadOnlyList<AuditChange> Changes);

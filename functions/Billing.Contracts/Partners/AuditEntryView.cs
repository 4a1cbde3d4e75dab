namespace Billing.Contracts.Partners;

/// <summary>One audited change: who (<see cref="Actor"/>, the caller's partner id), when, which partner, what.</summary>
public sealed record AuditEntryView(string Id, string At, string Actor, string Partner, string Action, IReadOnlyList<AuditChangeView> Changes);

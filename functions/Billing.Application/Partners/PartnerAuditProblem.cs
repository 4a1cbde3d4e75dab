namespace Billing.Application.Partners;

/// <summary>One thing wrong with a partner's audit trail or row; <see cref="EntryId"/> names the entry, null for the row.</summary>
public sealed record PartnerAuditProblem(PartnerAuditProblemKind Kind, string? EntryId, string Message)
{
    public override string ToString() => $"{Kind} {EntryId ?? "partner row"}: {Message}";
}

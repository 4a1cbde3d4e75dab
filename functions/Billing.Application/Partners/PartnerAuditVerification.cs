namespace Billing.Application.Partners;

/// <summary>The outcome of verifying one partner: intact when <see cref="Problems"/> is empty.</summary>
/// <param name="PartnerId">The partner.</param>
/// <param name="Entries">How many audit entries it has.</param>
/// <param name="Head">The chain head its row records (null: none).</param>
/// <param name="Problems">Every problem found, in trail order, then those of the row.</param>
public sealed record PartnerAuditVerification(string PartnerId, int Entries, string? Head, IReadOnlyList<PartnerAuditProblem> Problems)
{
    public bool Ok => Problems.Count == 0;
}

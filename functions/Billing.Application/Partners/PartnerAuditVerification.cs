namespace Billing.Application.Partners;

/// <summary>
/// The outcome of verifying one partner: intact when <see cref="Problems"/> is empty and the read was stable; when the
/// partner's row kept changing while it was read, <see cref="Unsettled"/> says so: its head and state were not checked
/// (its entries, their copies and the pins were), and it is not ok.
/// </summary>
/// <param name="PartnerId">The partner.</param>
/// <param name="Entries">How many audit entries it has.</param>
/// <param name="Head">The chain head its row records (null: none).</param>
/// <param name="Problems">Every problem found, in trail order, then those of the row.</param>
/// <param name="Unsettled">Why the partner's row could not be checked (it changed during every read); null when it was.</param>
public sealed record PartnerAuditVerification(string PartnerId, int Entries, string? Head, IReadOnlyList<PartnerAuditProblem> Problems, string? Unsettled = null)
{
    public bool Ok => Problems.Count == 0 && Unsettled is null;
}

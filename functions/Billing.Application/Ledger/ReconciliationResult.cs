namespace Billing.Application.Ledger;

/// <summary>What reconciling invoices, payments, burns and ledger entries found.</summary>
public sealed record ReconciliationResult(int Invoices, int Payments, int Burns, int Entries, IReadOnlyList<AuditProblem> Mismatches)
{
    public bool Ok => Mismatches.Count == 0;

    /// <summary>
    /// What waits for the next close and does not make the books wrong (<c>LateUsagePending</c>): listed, never counted in
    /// <see cref="Ok"/>.
    /// </summary>
    public IReadOnlyList<AuditProblem> Pending { get; init; } = [];

    /// <summary>
    /// Findings finance acknowledged as settled outside the platform (<see cref="ReconcileAcknowledgement"/>), each with the
    /// detail it was acknowledged for: listed apart, never counted in <see cref="Ok"/>.
    /// </summary>
    public IReadOnlyList<AcknowledgedProblem> Acknowledged { get; init; } = [];
}

namespace Billing.Application.Ledger;

/// <summary>One finding of verify or reconcile: a kind (e.g. <c>HashMismatch</c>), what it is about, and the detail.</summary>
public sealed record AuditProblem(string Kind, string Subject, string Detail)
{
    public override string ToString() => $"{Kind} {Subject}: {Detail}";
}

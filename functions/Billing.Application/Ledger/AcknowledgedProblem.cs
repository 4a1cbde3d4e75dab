namespace Billing.Application.Ledger;

/// <summary>A reconcile finding finance acknowledged as settled outside the platform, with who said so, when and why.</summary>
public sealed record AcknowledgedProblem(AuditProblem Finding, ReconcileAcknowledgement Acknowledgement);

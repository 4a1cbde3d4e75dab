namespace Billing.Contracts.Ledger;

/// <summary>
/// One finding of ledger verify or reconcile: its kind (e.g. <c>HashMismatch</c>), what it is about, and the detail.
/// <see cref="DetailSha256"/> (reconcile's mismatches only): the SHA-256 of the detail, which an acknowledgement names so that
/// it covers the detail its caller saw and no later one. <see cref="Acknowledgeable"/> (reconcile's mismatches only): whether
/// its kind is one finance may acknowledge as settled outside the platform (others answer 409), so a client offers the
/// action without a copy of the allow-list.
/// </summary>
public sealed record AuditFinding(string Kind, string Subject, string Detail, string? DetailSha256 = null, bool? Acknowledgeable = null);

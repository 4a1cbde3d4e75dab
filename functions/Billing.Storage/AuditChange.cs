namespace Billing.Storage;

/// <summary>One field an audited action changed: its value before and after (<c>null</c>: unset). Never a key or a key hash.</summary>
public sealed record AuditChange(string Field, string? Before, string? After);

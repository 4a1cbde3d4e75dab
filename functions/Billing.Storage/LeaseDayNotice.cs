namespace Billing.Storage;

/// <summary>
/// A UTC day of one (source, lease)'s claimed compute intervals whose facts were metered without the overlap check
/// (<see cref="LeaseIntervalClaims"/>), and why: its row reached its cap, or storage refused or could not read it.
/// </summary>
public sealed record LeaseDayNotice(string Source, string Lease, DateOnly Day, string Reason);

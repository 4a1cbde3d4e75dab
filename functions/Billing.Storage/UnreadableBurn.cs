namespace Billing.Storage;

/// <summary>
/// A burn intent row that cannot be read (a value of a type this platform never writes there, planted by someone with
/// write access to storage): its id and why. It is reported and never executed, and it keeps no other intent from burning.
/// </summary>
public sealed record UnreadableBurn(string Id, string Reason);

namespace Billing.Storage;

/// <summary>
/// How taking a lease went: <see cref="Acquired"/> when the caller holds it now. <see cref="Unreadable"/> says why the
/// row it replaced could not be read (changed outside the platform), when it took the lease over such a row: counted as
/// expired, so a planted row never stops the lease's work, and reported by the caller.
/// </summary>
public sealed record LeaseAcquisition(bool Acquired, string? Unreadable = null);

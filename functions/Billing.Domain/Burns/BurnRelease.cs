namespace Billing.Domain.Burns;

/// <summary>
/// One decision of finance on a held burn: burn <see cref="AmountMinor"/> of it. A burn held again after a release (money of
/// its invoice went back since) is released again; every decision is kept, oldest first, so a later one never hides an earlier.
/// </summary>
/// <param name="By">The finance partner who decided.</param>
/// <param name="At">When.</param>
/// <param name="AmountMinor">What finance decided to burn, in minor units of the invoice's currency (0: nothing, the burn is skipped).</param>
/// <param name="KeptMinor">What the invoice kept after its credit notes and refunds when finance decided; null on a release recorded before it was kept.</param>
/// <param name="Note">Finance's reason, as given.</param>
public sealed record BurnRelease(string By, DateTimeOffset At, long AmountMinor, long? KeptMinor, string Note);

namespace Billing.Storage;

/// <summary>
/// A slot of claimed windows whose facts were metered without the overlap check, or whose claim was not released
/// (<see cref="IntervalClaims"/>), and why: its row reached its cap, or storage refused or could not read it.
/// </summary>
/// <param name="Source">The partner that sent the usage.</param>
/// <param name="Usage">Which usage, as a log says it: <c>compute lease 'lease-77' (H100) on 2026-10-10</c>, <c>carrier session 'sess-1'</c>.</param>
/// <param name="Reason">Why.</param>
public sealed record ClaimNotice(string Source, string Usage, string Reason);

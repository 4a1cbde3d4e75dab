namespace Billing.Application.Ledger;

/// <summary>
/// What one run of the subject index backfill did (LedgerAnchorService.Index.cs): it checked entries <paramref name="From"/>
/// to <paramref name="Through"/> of the <paramref name="Head"/> before the book's change-over, wrote <see cref="Written"/> rows,
/// found <see cref="OtherContent"/> keys holding rows of other content, and either reached the last of them
/// (<see cref="Complete"/>) or stopped at an entry it could not check (<see cref="Refusal"/>).
/// </summary>
internal sealed record IndexBackfillRun(long From, long Through, long Head)
{
    public int Written { get; init; }

    public int OtherContent { get; init; }

    public bool Complete { get; init; }

    public string? Refusal { get; init; }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"checked entries {From}-{Through} of {Head}, {Written} index rows written{(OtherContent > 0 ? $", {OtherContent} of other content left as they are" : "")}; {(Refusal is { } why ? "stopped: " + why : Complete ? "complete" : "continued next run")}");
}

namespace Billing.Domain.Ledger;

/// <summary>One thing wrong with a stored book, naming the entry (or, for anchors, the last sequence of the range).</summary>
public sealed record LedgerProblem(LedgerProblemKind Kind, long Sequence, string? EntryId, string Message)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"#{Sequence}{(EntryId is null ? "" : " " + EntryId)} {Kind}: {Message}");
}

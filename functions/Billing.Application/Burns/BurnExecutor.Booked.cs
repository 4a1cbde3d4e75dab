namespace Billing.Application.Burns;

/// <summary>The ledger's word before a burn is signed: a burn the book holds happened, whatever its row says now.</summary>
public sealed partial class BurnExecutor
{
    /// <summary>
    /// Invariant: nothing is signed for a burn whose entry <c>burn:{id}</c> the ledger's chain holds. That entry is booked
    /// only once the burn landed; a pending or held row with it is a finalized row deleted and recreated (outside the
    /// platform), and after a change of the treasury key the marker (derived from the current key) would not stop a second
    /// burn. Holds it with the reason (reconcile reports <c>BurnAlreadyBooked</c>); null when the book does not hold it.
    /// </summary>
    private async Task<StepOutcome?> HoldIfBookedAsync(BurnIntent intent, ETag etag, CancellationToken cancellationToken)
    {
        string entryId = LedgerEntries.BurnId(intent.Id);
        string? why;
        try
        {
            why = await ledger.IsBookedAsync(entryId, cancellationToken).ConfigureAwait(false)
                ? $"held: the ledger already books {entryId}, so this burn happened; its row was recreated outside this platform and is never signed again (ledger reconcile reports BurnAlreadyBooked)"
                : null;
        }
        catch (InvalidDataException ex)
        {
            why = $"held: whether the ledger books {entryId} cannot be read ({ex.Message}); nothing is signed until the book is repaired";
        }

        return why is null ? null : await HoldAsync(intent, etag, why, cancellationToken).ConfigureAwait(false);
    }
}

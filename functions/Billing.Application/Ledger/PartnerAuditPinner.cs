namespace Billing.Application.Ledger;

/// <summary>
/// The anchor timer's first step: books the evidence entries (<see cref="PartnerAuditPins"/>) that pin every partner
/// whose audit chain (count, head on its row) no evidence entry holds yet, so the anchor that follows covers each
/// partner's history within one anchor interval of its change, invoiced or not (docs/design.md §4.14). It reads the
/// partners' heads and <see cref="PartnerPinCursor"/>, never the whole book: a mark counts only once the entry it names
/// was read and found to hold that pin with its fields still giving its stored hash (remembered for this process), so a
/// forged mark costs a read and an extra pin, never a missing one.
/// </summary>
public sealed partial class PartnerAuditPinner(LedgerStore ledger, PartnerStore partners, PartnerPinCursor cursor, TimeProvider time, ILogger<PartnerAuditPinner> logger)
{
    /// <summary>Evidence entries read and checked in this process: the (partner, pin) pairs they hold.</summary>
    private readonly ConcurrentDictionary<string, HashSet<(string PartnerId, PartnerAuditPin Pin)>> checkedEntries = new(StringComparer.Ordinal);

    /// <summary>
    /// Pins every partner not pinned yet in <paramref name="book"/>; returns how many were pinned now. An entry that cannot
    /// be booked is logged and passed over: its partners are due again next run.
    /// </summary>
    public async Task<int> PinAsync(string book, CancellationToken cancellationToken)
    {
        var heads = await partners.ListAuditHeadsAsync(cancellationToken).ConfigureAwait(false);
        var marks = await cursor.ReadAsync(book, cancellationToken).ConfigureAwait(false);
        var due = new List<(string PartnerId, PartnerAuditPin Pin)>();
        foreach (var head in heads)
        {
            if (PartnerAuditPin.Of(head.Count, head.Head) is not { } pin || !PartnerAuditPins.CanPin(head.PartnerId))
            {
                // No chain yet (seeded before chains), or a head of the wrong type: partners verify reports such a row.
                if (head.Count is not null || head.Head is not null)
                {
                    LogNotPinnable(logger, head.PartnerId);
                }

                continue;
            }

            if (marks.TryGetValue(head.PartnerId, out var mark) && mark.Pin == pin && await HoldsAsync(book, mark.EntryId, head.PartnerId, pin, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            due.Add((head.PartnerId, pin));
        }

        int pinned = 0;
        foreach (var draft in PartnerAuditPins.Drafts(due, time.GetUtcNow()))
        {
            try
            {
                // Same pins, same id: a retry after a crash finds the entry booked and only writes the marks.
                pinned += await BookAsync(book, draft, due, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is LedgerConflictException or InvalidDataException)
            {
                // Its id is taken (planted or booked otherwise): booked under an id nobody could foresee (a crash before the marks costs one more entry).
                LogEntryIdTaken(logger, draft.EntryId, book, ex.Message);
                pinned += await TryBookAsync(book, PartnerAuditPins.Resalted(draft, Guid.NewGuid().ToString("N")), due, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One entry refused (storage trouble) never keeps the others unbooked.
                LogEntryFailed(logger, draft.EntryId, book, ex.Message);
            }
        }

        if (pinned > 0)
        {
            LogPinned(logger, pinned, book);
        }

        return pinned;
    }

    /// <summary>Books <paramref name="draft"/> and marks the partners it holds; returns how many.</summary>
    private async Task<int> BookAsync(string book, LedgerEntryDraft draft, List<(string PartnerId, PartnerAuditPin Pin)> due, CancellationToken cancellationToken)
    {
        var entry = await ledger.AppendAsync(book, draft, cancellationToken).ConfigureAwait(false);
        var held = Remember(entry);
        var booked = due.Where(held.Contains).ToList();
        await cursor.WriteAsync(book, entry.EntryId, booked, cancellationToken).ConfigureAwait(false);
        return booked.Count;
    }

    /// <summary><see cref="BookAsync"/>, a failure logged (its partners are due again next run).</summary>
    private async Task<int> TryBookAsync(string book, LedgerEntryDraft draft, List<(string PartnerId, PartnerAuditPin Pin)> due, CancellationToken cancellationToken)
    {
        try
        {
            return await BookAsync(book, draft, due, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogEntryFailed(logger, draft.EntryId, book, ex.Message);
            return 0;
        }
    }

    /// <summary>Whether entry <paramref name="entryId"/> is an evidence entry of the book, intact, that pins the partner at <paramref name="pin"/>.</summary>
    private async Task<bool> HoldsAsync(string book, string entryId, string partnerId, PartnerAuditPin pin, CancellationToken cancellationToken)
    {
        if (!PartnerAuditPins.IsId(entryId))
        {
            return false; // no evidence entry has that id: a planted mark is never looked up (a key storage refuses would stop every pin)
        }

        if (!checkedEntries.TryGetValue(entryId, out var held))
        {
            LedgerEntry? entry;
            try
            {
                entry = await ledger.GetAsync(book, entryId, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException)
            {
                return false; // an unreadable entry proves nothing: pin again (ledger verify reports the row)
            }

            if (entry is null)
            {
                return false;
            }

            held = Remember(entry);
        }

        return held.Contains((partnerId, pin));
    }

    /// <summary>The pins an entry holds if it is intact evidence (none otherwise), remembered by its id.</summary>
    private HashSet<(string PartnerId, PartnerAuditPin Pin)> Remember(LedgerEntry entry)
    {
        var held = new HashSet<(string PartnerId, PartnerAuditPin Pin)>();
        if (entry.Kind == LedgerEntryKind.PartnerAuditPinned && entry.HashIsValid)
        {
            foreach (var (_, partnerId, pin) in PartnerAuditPins.Read(entry.Metadata))
            {
                if (partnerId is not null && pin is not null)
                {
                    held.Add((partnerId, pin));
                }
            }
        }

        return checkedEntries[entry.EntryId] = held;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pinned the audit chains of {Count} partners in ledger book {Book}")]
    private static partial void LogPinned(ILogger logger, int count, string book);

    [LoggerMessage(Level = LogLevel.Error, Message = "Evidence entry id {EntryId} is taken in ledger book {Book} ({Reason}); its pins are booked under another id; run ledger verify")]
    private static partial void LogEntryIdTaken(ILogger logger, string entryId, string book, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Evidence entry {EntryId} pinning partners' audit chains could not be booked in ledger book {Book} ({Reason}); tried again next run, run ledger verify")]
    private static partial void LogEntryFailed(ILogger logger, string entryId, string book, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The audit head of partner {PartnerId} cannot be pinned (missing or not of the type written there); run partners verify")]
    private static partial void LogNotPinnable(ILogger logger, string partnerId);
}

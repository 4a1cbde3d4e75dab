using Billing.Application.Invoicing;

namespace Billing.Application.Ledger;

/// <summary>
/// What an auditor runs: verify the book against the chain, and reconcile invoices ↔ Stripe payments ↔ burns ↔ ledger
/// entries, listing every mismatch precisely. Verification trusts the chain, not the anchors table: it reads the
/// anchor authority's memos (<see cref="AnchorChainReader"/>), checks they link, streams the entries once against them
/// (<see cref="LedgerStreamVerifier"/>), and then compares the table's rows with the chain.
/// </summary>
public sealed partial class LedgerAudit(
    LedgerStore ledger,
    AnchorStore anchors,
    InvoiceStore invoices,
    PaymentStore payments,
    BurnStore burns,
    CreditNoteStore credits,
    RefundStore refunds,
    InvoicePaymentLinkStore links,
    FactStore facts,
    PartnerStore partners,
    ISolanaRpcClient rpc,
    AnchorAuthority authority,
    IOptions<LedgerOptions> options,
    IOptions<InvoicingOptions> invoicing,
    TimeProvider time)
{
    public async Task<LedgerAuditResult> VerifyAsync(CancellationToken cancellationToken)
    {
        string book = LedgerEntries.MainBook;
        var now = time.GetUtcNow();
        var problems = new List<AuditProblem>();
        if (!authority.IsConfigured)
        {
            problems.Add(new("NoAnchorAuthority", "ledger", "no anchor authority is configured, so nothing can be checked on chain"));
        }

        var key = authority.IsConfigured ? (await authority.GetAsync(cancellationToken).ConfigureAwait(false)).PublicKey : null;
        var chain = key is null
            ? new OnChainBook(authority.LedgerName, book)
            : await new AnchorChainReader(rpc).ReadBookAsync(key, authority.LedgerName, book, cancellationToken).ConfigureAwait(false);
        var onChain = chain.Anchors;
        var (linked, linkProblems) = AnchorChain.Link(onChain);
        var verifier = new LedgerStreamVerifier(book, linked, now, options.Value.MaxUnanchoredAge);
        var booked = new Dictionary<long, (string? EntryId, string? Hash, bool Readable)>();
        var indexed = new Dictionary<long, string>();
        var format = new BookFormatFacts();
        var seals = new SealFacts();
        void Add(StoredLedgerRow stored)
        {
            if (stored.Entry is { } read && LedgerIndex.SubjectOf(read.Kind, read.Metadata) is { } subject)
            {
                indexed.TryAdd(read.Sequence, LedgerStore.IndexRowKey(subject, read.EntryId));
            }

            if (stored.Entry is { } entry)
            {
                format.Add(entry);
                seals.Add(entry);
            }

            if (stored.Unreadable is { } bad)
            {
                // A planted value is a finding like any other edit, never a crash of the whole verification.
                verifier.AddUnreadable(bad.Sequence, bad.EntryId, bad.StoredHash, bad.Row.ToString(), stored.RecordedAt);
            }
            else
            {
                verifier.Add(stored.Entry!, stored.RecordedAt);
            }

            booked.TryAdd(stored.Sequence, Booked(stored));
        }

        await foreach (var stored in ledger.ReadRecordedAsync(book, 1, cancellationToken).ConfigureAwait(false))
        {
            Add(stored);
        }

        // The head is read after the rows: a row past it was there before it (planted: an append writes both in one
        // transaction), and a head past the last row read names rows appended meanwhile, read now up to it. Rows appended
        // after the head was read are left for the next verification.
        LedgerHead? head = null;
        long? sealedSince = null;
        try
        {
            // With the head, from the same row: the entry it names was appended by then, so it is among the rows read up to the head.
            (head, sealedSince) = await ledger.HeadAndSealedSinceAsync(book, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            problems.Add(new(nameof(LedgerProblemKind.HeadUnreadable), "head", ex.Message + "; the head cannot be compared with the last entry, and nothing is appended to the book until it is repaired"));
        }

        if (head is { } h && h.LastSequence > verifier.LastSequence)
        {
            await foreach (var stored in ledger.ReadRecordedAsync(book, verifier.LastSequence + 1, h.LastSequence, cancellationToken).ConfigureAwait(false))
            {
                Add(stored);
            }
        }

        problems.AddRange(linkProblems.Concat(verifier.Complete(head?.LastSequence, head?.LastHash)).OrderBy(p => p.Sequence).Select(ToAudit));

        // Judged by the chain's block times: the rows' times are storage's word, and rewriting them hides NotAnchored.
        problems.AddRange(chain.Liveness(verifier.Entries > 0, now, options.Value.MaxChainSilence).Select(p => new AuditProblem(
            p.Kind.ToString(), p.Kind == LedgerProblemKind.AnchoringStalled ? $"book {book}" : string.Create(CultureInfo.InvariantCulture, $"heartbeat {p.Sequence}"), p.Message)));
        problems.AddRange(await IdIndexProblemsAsync(book, booked, head?.LastSequence ?? long.MaxValue, cancellationToken).ConfigureAwait(false));
        problems.AddRange(await SubjectIndexProblemsAsync(book, indexed, head?.LastSequence ?? long.MaxValue, booked.Count > 0, format, cancellationToken).ConfigureAwait(false));
        problems.AddRange(format.OlderShapeAfterChangeOver());
        problems.AddRange(seals.Problems());
        if (seals.HeadProblem(sealedSince) is { } sealedSinceProblem)
        {
            problems.Add(sealedSinceProblem);
        }

        // The table is a cache of the chain: a row the chain does not back is reported, never believed.
        var byRange = linked.ToDictionary(a => a.Content.ToSeq);
        int pending = 0;
        var anchorRows = await anchors.ListRowsAsync(book, cancellationToken).ConfigureAwait(false);
        foreach (var bad in anchorRows.Unreadable)
        {
            problems.Add(new("AnchorRowUnreadable", $"anchor row {bad.RowKey}", bad + "; anchoring and proofs go by the chain and ignore it"));
        }

        foreach (var row in anchorRows.Anchors)
        {
            string subject = $"anchor {row.FromSeq}-{row.ToSeq}";
            byRange.TryGetValue(row.ToSeq, out var match);
            bool backed = match is not null && match.Content == row.Content;
            if (row.Status == AnchorStatus.Confirmed && row.Signer is { } claimed && claimed != key?.ToString())
            {
                // Another key's row (a kept copy, or one written before the change): only a configured retired key vouches.
                if (await RetiredRowProblemAsync(row, subject, key, cancellationToken).ConfigureAwait(false) is { } problem)
                {
                    problems.Add(problem);
                }
            }
            else if (row.Status == AnchorStatus.Confirmed && (!backed || !onChain.Any(a => a.Signature == row.Signature && a.Content == row.Content)))
            {
                if (match is null && row.FromSeq > verifier.AnchoredThrough && key is not null && row.Signature is { } signature
                    && await new AnchorChainReader(rpc).GetAsync(key, authority.LedgerName, book, signature, cancellationToken).ConfigureAwait(false) is { } landed
                    && landed.Content == row.Content)
                {
                    continue; // confirmed after the chain was read: the next verification checks it against its entries
                }

                if (row.Signer is null && await BackedByRetiredAsync(row, authority.Retired, cancellationToken).ConfigureAwait(false))
                {
                    continue; // of unknown signer (written before signers were recorded), and a retired key signed it
                }

                problems.Add(new("AnchorNotOnChain", subject,
                    $"the anchors table records transaction {row.Signature} with root {row.RootHex}, but no anchor memo signed by {key} carries that"));
            }
            else if (row.Status == AnchorStatus.Pending && !backed)
            {
                pending++;
                if (match is not null)
                {
                    problems.Add(new("AnchorRowMismatch", subject, $"pending row with root {row.RootHex}, the chain anchors this range with root {match.Content.RootHex}"));
                }
                else if (now - row.CreatedAt > options.Value.AnchorGrace)
                {
                    problems.Add(new("AnchorStale", subject, $"pending since {row.CreatedAt:u}, longer than the grace period {options.Value.AnchorGrace}"));
                }
            }
        }

        if (await RetiredHistoryProblemAsync(book, anchorRows.Anchors, cancellationToken).ConfigureAwait(false) is { } rewritten)
        {
            problems.Add(rewritten);
        }

        return new LedgerAuditResult(verifier.Entries, linked.Count, pending, problems)
        {
            Authority = key?.ToString(),
            RetiredAuthorities = [.. authority.Retired.Select(k => k.ToString())],
            Ledger = authority.LedgerName,
            MaxChainSilence = options.Value.MaxChainSilence,
            WrittenBeforeSeals = seals.BeforeSeals(),
        };
    }

    /// <summary>
    /// The id index against the entries read up to <c>checkedThrough</c> (the head they were read to: an id row past it may
    /// be an append made since). Appends trust it to book each entry id once: a removed row lets a retried booking
    /// (a close, a webhook, a burn) book the entry a second time, and a row pointing elsewhere answers with another entry.
    /// </summary>
    private async Task<List<AuditProblem>> IdIndexProblemsAsync(string book, Dictionary<long, (string? EntryId, string? Hash, bool Readable)> booked, long checkedThrough, CancellationToken cancellationToken)
    {
        var problems = new List<AuditProblem>();
        var pastHead = new List<LedgerIdRow>();
        var indexed = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var row in LedgerIdRow.ReadAllAsync(ledger, book, cancellationToken).ConfigureAwait(false))
        {
            indexed.Add(row.RowKey);
            string subject = $"id row {row.RowKey}";
            if (row.Unreadable is { } bad)
            {
                problems.Add(new("IdRowUnreadable", subject, bad + "; bookings and proofs of that entry id are refused until it is repaired"));
            }
            else if (row.RowKey != LedgerStore.IdRowKey(row.EntryId!))
            {
                problems.Add(new("IdRowMismatch", subject, $"holds entry id '{row.EntryId}', which is not the id of its key"));
            }
            else if (!booked.ContainsKey(row.Sequence) && row.Sequence > checkedThrough)
            {
                pastHead.Add(row); // decided below, once the head is read again
            }
            else if (Compare(row, booked.TryGetValue(row.Sequence, out var entry) ? entry : null) is { } mismatch)
            {
                problems.Add(mismatch);
            }
        }

        if (pastHead.Count > 0)
        {
            // Booked with its entry after the entries were read, or planted: only a row the head still does not reach is planted.
            long reached = checkedThrough;
            try
            {
                reached = (await ledger.HeadAsync(book, cancellationToken).ConfigureAwait(false)).LastSequence;
            }
            catch (InvalidDataException)
            {
                // Unreadable since: nothing tells an append from a plant, so every such row is reported.
            }

            problems.AddRange(pastHead.Where(r => r.Sequence > reached).Select(r => IdRowMismatch(r, null, null)));

            // One the head reaches now is compared with the entry there, like any other: a row planted just past the head
            // is not excused by a booking that landed on its sequence meanwhile (that entry has its own id).
            if (pastHead.Where(r => r.Sequence <= reached).ToList() is { Count: > 0 } reachedRows)
            {
                var since = new Dictionary<long, (string? EntryId, string? Hash, bool Readable)>();
                await foreach (var stored in ledger.ReadRecordedAsync(book, reachedRows.Min(r => r.Sequence), reached, cancellationToken).ConfigureAwait(false))
                {
                    since.TryAdd(stored.Sequence, Booked(stored));
                }

                problems.AddRange(reachedRows.Select(r => Compare(r, since.TryGetValue(r.Sequence, out var at) ? at : null)).OfType<AuditProblem>());
            }
        }

        foreach (var (sequence, entry) in booked.Where(b => b.Value.EntryId is not null && !indexed.Contains(LedgerStore.IdRowKey(b.Value.EntryId))).OrderBy(b => b.Key))
        {
            problems.Add(new("IdRowMissing", entry.EntryId!, string.Create(CultureInfo.InvariantCulture,
                $"the entry at sequence {sequence} has no id row, so booking it again (a retried close, webhook or burn) would book it twice; restore the row {LedgerStore.IdRowKey(entry.EntryId!)} with EntryId, Sequence {sequence} and Hash")));
        }

        return problems;
    }

    /// <summary>What an entry row books, as the id index is checked against it: its id and hash, and whether it could be read.</summary>
    private static (string? EntryId, string? Hash, bool Readable) Booked(StoredLedgerRow stored) =>
        stored.Unreadable is { } bad ? (bad.EntryId, bad.StoredHash, false) : (stored.Entry!.EntryId, stored.Entry.Hash, true);

    /// <summary>An id row against the entry row at its sequence (null: none); null when they agree or that row cannot be read (reported already).</summary>
    private static AuditProblem? Compare(LedgerIdRow row, (string? EntryId, string? Hash, bool Readable)? entry) => entry switch
    {
        { Readable: false } => null, // what the entry row held cannot be compared
        { } e when e.EntryId == row.EntryId && (row.Hash is null || row.Hash == e.Hash) => null,
        _ => IdRowMismatch(row, entry?.EntryId, entry?.Hash),
    };

    private static AuditProblem IdRowMismatch(LedgerIdRow row, string? entryId, string? entryHash)
    {
        string there = entryId is null ? "which holds no readable entry" : $"which books entry '{entryId}' (hash {entryHash})";
        return new("IdRowMismatch", $"id row {row.RowKey}", string.Create(CultureInfo.InvariantCulture, $"points at sequence {row.Sequence} (hash {row.Hash}), {there}"));
    }

    private static AuditProblem ToAudit(LedgerProblem p) =>
        new(p.Kind.ToString(), p.EntryId ?? string.Create(CultureInfo.InvariantCulture, $"sequence {p.Sequence}"), p.Message);
}

namespace Billing.Application.Partners;

/// <summary>
/// Verifies partners' audit trails (finance): walks each partner's entries oldest first and reports every problem —
/// a hash that does not match the entry, a broken link, a by-time copy that differs, a head or count on the row that is
/// not the last entry's, and, what protects billing, a row whose current values differ from what replaying the
/// entries' before/after values gives: role, base plan, plan changes, status, payer profile (billing email, Stripe
/// customer), the providers a payer lets bill it (a grant written into the row without its entry lets a provider bill
/// a stranger) and the current key id (retired key ids must have been current once). A key is audited with its id as a
/// digest of its hash (<see cref="PartnerAuditChain.KeyDigest"/>), so a hash swapped under a key id on the row (someone
/// making their own key authenticate as the partner) shows; keys issued before digests were audited are not checked.
/// What storage alone cannot show, a chain rewritten consistently (entries, hashes and head recomputed), shows against the
/// pins ledger entries hold: invoices' (<see cref="PartnerAuditPin"/>) and the anchor timer's evidence entries
/// (<see cref="PartnerAuditPins"/>), anchored on Solana. The chain is not sealed: a change written into the row with a
/// correctly chained entry appended after the last pin (a storage writer granting a provider) shows nowhere.
/// </summary>
public sealed partial class PartnerAuditVerifier(PartnerStore store, LedgerStore ledger)
{
    /// <summary>How every invoice's entry id starts (<see cref="LedgerEntries.InvoiceFinalizedId"/>): its kind may have been changed.</summary>
    private static readonly string InvoicePrefix = LedgerEntries.InvoiceFinalizedId("");

    /// <summary>The fields whose last audited value must be the row's.</summary>
    private static readonly string[] Tracked = ["role", "plan", "status", "displayName", "billingEmail", "stripeCustomerId", "keyId", PartnerAuditChain.ProvidersField];

    /// <summary>Every partner with a row, an audit trail or a pin in the ledger, by id.</summary>
    public async Task<IReadOnlyList<PartnerAuditVerification>> VerifyAllAsync(CancellationToken cancellationToken)
    {
        var (pins, unattributed) = await PinsAsync(cancellationToken).ConfigureAwait(false);
        var results = new List<PartnerAuditVerification>();
        var subjects = await store.AuditSubjectsAsync(cancellationToken).ConfigureAwait(false);
        foreach (string id in subjects.Ids)
        {
            if (await store.AuditTrailAsync(id, cancellationToken).ConfigureAwait(false) is { } trail)
            {
                results.Add(Verify(trail, pins.GetValueOrDefault(id) ?? []));
            }
        }

        // A payer removed altogether (row and trail) leaves nothing in storage to list it by: its pins still name it.
        foreach (var (id, pinned) in pins.Where(p => !subjects.Ids.Contains(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            results.Add(Verify(new PartnerAuditTrail(id, null, null, [], []), pinned));
        }

        // No id leads to these rows, so they are reported by key: a crash here would hide every other partner's verdict.
        foreach (string key in subjects.ForeignKeys)
        {
            results.Add(new PartnerAuditVerification(key, 0, null,
                [new(PartnerAuditProblemKind.RowUnreadable, null, $"row '{key}' of the partners table is under a key this platform never writes (not an escaped partner id): it was written outside the platform")]));
        }

        // An evidence entry stripped of the partners it pinned is reported by its entry id: whose history it held is unknown.
        foreach (var (entryId, why) in unattributed)
        {
            results.Add(new PartnerAuditVerification(entryId, 0, null, [new(PartnerAuditProblemKind.PinMismatch, null, $"ledger entry {entryId} {why}")]));
        }

        return results;
    }

    /// <summary>One partner; <see cref="PartnerNotFoundException"/> when it has neither a row nor an audit trail.</summary>
    public async Task<PartnerAuditVerification> VerifyAsync(string partnerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partnerId);
        if (partnerId.Length == 0 || TableKey.Escape(partnerId).Length > PartnerOptionsValidator.MaxEscapedIdChars)
        {
            throw new PartnerNotFoundException(partnerId.Length > 80 ? partnerId[..80] + "…" : partnerId);
        }

        // Pins first, as for every partner: a chain only grows and a pin is booked after the entries it counts, so a trail
        // read after the pins reaches every pinned entry; read before them, it can miss entries a newer pin counts.
        var (pins, _) = await PinsAsync(cancellationToken).ConfigureAwait(false);
        var trail = await store.AuditTrailAsync(partnerId, cancellationToken).ConfigureAwait(false) ?? throw new PartnerNotFoundException(partnerId);
        return Verify(trail, pins.GetValueOrDefault(partnerId) ?? []);
    }

    /// <summary>
    /// The audit pins the main book holds, by partner: each invoice's (its payer's chain) and each evidence entry's (the
    /// anchor timer's, <see cref="PartnerAuditPins"/>). Entries that cannot be read are passed over (ledger verify reports
    /// them); a pin that cannot be read, or whose entry's fields no longer give its stored (anchored) hash, is kept as null
    /// with why, to be reported. Evidence entries whose pins name no partner any more are listed apart, by entry id.
    /// </summary>
    private async Task<(Dictionary<string, List<(string EntryId, PartnerAuditPin? Pin, string? Why)>> ByPartner, List<(string EntryId, string Why)> Unattributed)> PinsAsync(CancellationToken cancellationToken)
    {
        var pins = new Dictionary<string, List<(string, PartnerAuditPin?, string?)>>(StringComparer.Ordinal);
        var unattributed = new List<(string, string)>();
        void Add(string partner, string entryId, PartnerAuditPin? pin, string? why) => (pins.TryGetValue(partner, out var list) ? list : pins[partner] = []).Add((entryId, pin, why));
        await foreach (var row in ledger.ReadRecordedAsync(LedgerEntries.MainBook, 1, cancellationToken).ConfigureAwait(false))
        {
            if (row.Entry is not { } entry)
            {
                continue;
            }

            bool invoice = entry.Kind == LedgerEntryKind.InvoiceFinalized || entry.EntryId.StartsWith(InvoicePrefix, StringComparison.Ordinal);
            if (!invoice && PartnerAuditPins.IsEvidence(entry))
            {
                EvidencePins(entry, Add, unattributed);
                continue;
            }

            if (!invoice || PayerOf(entry) is not { } payer)
            {
                continue;
            }

            PartnerAuditPin? pin;
            string? why = null;
            if (!entry.HashIsValid)
            {
                // The anchors vouch for the stored hash, not for fields that no longer give it: a pin edited, removed or
                // hidden under another kind proves nothing, so it is reported before it is read.
                (pin, why) = (null, Untrusted);
            }
            else
            {
                try
                {
                    if ((pin = PartnerAuditPin.Read(entry.Metadata)) is null)
                    {
                        continue; // booked before pins, or the payer had no chain then
                    }
                }
                catch (FormatException)
                {
                    (pin, why) = (null, "holds an audit pin that cannot be read");
                }
            }

            Add(payer, entry.EntryId, pin, why);
        }

        return (pins, unattributed);
    }

    /// <summary>
    /// An evidence entry's pins, each under the partner it names; checked as an invoice's are. When its fields no longer
    /// give its stored hash every pin it still names is reported, and, when it names none any more (the pins removed), the
    /// entry itself.
    /// </summary>
    private static void EvidencePins(LedgerEntry entry, Action<string, string, PartnerAuditPin?, string?> add, List<(string EntryId, string Why)> unattributed)
    {
        bool intact = entry.HashIsValid;
        var read = PartnerAuditPins.Read(entry.Metadata);
        foreach (var (_, partner, pin) in read)
        {
            if (partner is not null)
            {
                add(partner, entry.EntryId, intact ? pin : null, intact ? null : Untrusted);
            }
        }

        if (read.Any(r => r.PartnerId is null) || (!intact && read.Count == 0))
        {
            unattributed.Add((entry.EntryId, intact ? "holds an audit pin that names no partner" : Untrusted + "; it names no partner any more"));
        }
    }

    private const string Untrusted = "does not hash to its stored hash (changed outside this platform; run ledger verify), so the audit pin it holds or held proves nothing";

    /// <summary>The checks on one snapshot (no storage access).</summary>
    public static PartnerAuditVerification Verify(PartnerAuditTrail trail) => Verify(trail, []);

    /// <summary>The checks on one snapshot and the pins ledger entries hold of the partner's chain (null: a pin that cannot be read or trusted, and why).</summary>
    public static PartnerAuditVerification Verify(PartnerAuditTrail trail, IReadOnlyList<(string EntryId, PartnerAuditPin? Pin, string? Why)> pins)
    {
        ArgumentNullException.ThrowIfNull(pins);
        ArgumentNullException.ThrowIfNull(trail);
        // Chain order is the sequence (ids only sort by time), each by-time copy kept beside its entry.
        var ordered = trail.Entries.Select((e, i) => (Entry: e, Copy: trail.TimeCopies.Count > i ? trail.TimeCopies[i] : null))
            .OrderBy(x => x.Entry.Sequence).ThenBy(x => x.Entry.Id, StringComparer.Ordinal).ToList();
        trail = trail with { Entries = [.. ordered.Select(x => x.Entry)], TimeCopies = [.. ordered.Select(x => x.Copy)] };
        var problems = new List<PartnerAuditProblem>();
        CheckChain(trail, problems);
        CheckPins(trail.Entries, pins, problems);
        if (trail.ChangedWhileRead > 0)
        {
            // The row of one moment against the entries of another would read as a head or state mismatch: tampering for
            // nothing. The entries, their copies and the pins do not depend on the row (entries are only added, each with its
            // copy; the pins were read first), so they are checked: a writer who keeps touching the row hides nothing there.
            return new PartnerAuditVerification(trail.PartnerId, trail.Entries.Count, null, problems, string.Create(CultureInfo.InvariantCulture,
                $"could not get a stable read of the row of partner {trail.PartnerId}: it changed during each of {trail.ChangedWhileRead} reads while being verified, so its head and state were not checked (its audit entries, their copies and the ledger's pins were); run verify again"));
        }

        var record = trail.Record;
        if (record is null)
        {
            problems.Add(trail.Unreadable is { } why
                ? new(PartnerAuditProblemKind.RowUnreadable, null, "the partner row cannot be read: " + why)
                : new(PartnerAuditProblemKind.RowMissing, null, $"the partner has {trail.Entries.Count} audit entries but no row"));
            return new PartnerAuditVerification(trail.PartnerId, trail.Entries.Count, null, problems);
        }

        CheckHead(trail, record, problems);
        CheckState(trail.Entries, record, problems);
        return new PartnerAuditVerification(trail.PartnerId, trail.Entries.Count, record.AuditHead, problems);
    }

    private static void CheckChain(PartnerAuditTrail trail, List<PartnerAuditProblem> problems)
    {
        string expected = PartnerAuditChain.GenesisHash;
        for (int i = 0; i < trail.Entries.Count; i++)
        {
            var e = trail.Entries[i];
            if (e.Sequence != i + 1)
            {
                problems.Add(new(PartnerAuditProblemKind.SequenceMismatch, e.Id, string.Create(CultureInfo.InvariantCulture, $"sequence {e.Sequence} where {i + 1} comes next: an entry is missing or repeated")));
            }

            string? recomputed = PartnerAuditChain.Hash(e, e.PreviousHash ?? "");
            if (e.Hash is null || recomputed != e.Hash)
            {
                problems.Add(new(PartnerAuditProblemKind.HashMismatch, e.Id, $"stored hash {e.Hash ?? "(none)"} differs from the recomputed hash {recomputed ?? "(not encodable)"}: the entry was changed"));
            }

            if (e.PreviousHash != expected)
            {
                string of = i == 0 ? "the chain start" : $"entry {trail.Entries[i - 1].Id}";
                problems.Add(new(PartnerAuditProblemKind.PreviousHashMismatch, e.Id, $"previous hash {e.PreviousHash ?? "(none)"} differs from the hash {expected} of {of}: an entry was removed, inserted or reordered"));
            }

            if (e.PartnerId != trail.PartnerId)
            {
                problems.Add(new(PartnerAuditProblemKind.WrongPartner, e.Id, $"the entry is of partner '{e.PartnerId}'"));
            }

            var copy = trail.TimeCopies.Count > i ? trail.TimeCopies[i] : null;
            if (copy is null)
            {
                problems.Add(new(PartnerAuditProblemKind.CopyMismatch, e.Id, "the by-time copy (what the audit listing shows) is missing"));
            }
            else if (copy.PreviousHash != e.PreviousHash || copy.Hash != e.Hash || PartnerAuditChain.Hash(copy, e.PreviousHash ?? "") != e.Hash)
            {
                problems.Add(new(PartnerAuditProblemKind.CopyMismatch, e.Id, "the by-time copy (what the audit listing shows) differs from the partner's entry"));
            }

            expected = e.Hash ?? "";
        }
    }

    /// <summary>Each pinned entry must still be in the chain with the pinned hash; later entries may follow it.</summary>
    private static void CheckPins(IReadOnlyList<PartnerAuditEntry> entries, IReadOnlyList<(string EntryId, PartnerAuditPin? Pin, string? Why)> pins, List<PartnerAuditProblem> problems)
    {
        foreach (var (ledgerEntryId, pin, why) in pins)
        {
            if (pin is null)
            {
                problems.Add(new(PartnerAuditProblemKind.PinMismatch, null, $"ledger entry {ledgerEntryId} {why ?? "holds an audit pin that cannot be read"}"));
                continue;
            }

            var pinned = entries.FirstOrDefault(e => e.Sequence == pin.Count);
            if (pinned is null)
            {
                problems.Add(new(PartnerAuditProblemKind.PinMismatch, null, string.Create(CultureInfo.InvariantCulture,
                    $"ledger entry {ledgerEntryId} was booked with the audit chain at entry {pin.Count} (head {pin.Head}), which the chain no longer has: entries were removed")));
            }
            else if (pinned.Hash != pin.Head)
            {
                problems.Add(new(PartnerAuditProblemKind.PinMismatch, pinned.Id, string.Create(CultureInfo.InvariantCulture,
                    $"ledger entry {ledgerEntryId} was booked with the audit chain at entry {pin.Count} with head {pin.Head}; that entry now hashes to {pinned.Hash ?? "(none)"}: the history before it was rewritten")));
            }
        }
    }

    private static void CheckHead(PartnerAuditTrail trail, PartnerRecord record, List<PartnerAuditProblem> problems)
    {
        string? lastHash = trail.Entries.Count == 0 ? null : trail.Entries[^1].Hash;
        long? count = trail.Entries.Count == 0 && record.AuditCount is null ? null : trail.Entries.Count;
        if (record.AuditHead != lastHash || record.AuditCount != count)
        {
            problems.Add(new(PartnerAuditProblemKind.HeadMismatch, null, string.Create(CultureInfo.InvariantCulture,
                $"the row records {record.AuditCount?.ToString(CultureInfo.InvariantCulture) ?? "no"} entries with head {record.AuditHead ?? "(none)"}, the trail has {trail.Entries.Count} ending in {lastHash ?? "(none)"}")));
        }
    }

    /// <summary>
    /// The payer an invoice entry pins: its <c>payer</c> metadata or, when that is gone, the payer its id names
    /// (<c>invoice-finalized:INV-{payer}-{yyyyMM}</c>), so an entry stripped of both pin and payer still shows under its payer.
    /// </summary>
    private static string? PayerOf(LedgerEntry entry)
    {
        if (entry.Metadata.TryGetValue("payer", out string? payer))
        {
            return payer;
        }

        if (!entry.EntryId.StartsWith(InvoicePrefix, StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            return InvoiceId.Parse(entry.EntryId[InvoicePrefix.Length..]).Payer;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string Show(string? value) => value is null ? "(unset)" : $"'{value}'";
}

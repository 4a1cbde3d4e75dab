namespace Billing.Application.Ledger;

/// <summary>
/// What an auditor runs: verify the book against the chain, and reconcile invoices ↔ Stripe payments ↔ burns ↔ ledger
/// entries, listing every mismatch precisely. Verification trusts the chain, not the anchors table: it reads the
/// anchor authority's memos (<see cref="AnchorChainReader"/>), checks they link, streams the entries once against them
/// (<see cref="LedgerStreamVerifier"/>), and then compares the table's rows with the chain.
/// </summary>
public sealed class LedgerAudit(
    LedgerStore ledger,
    AnchorStore anchors,
    InvoiceStore invoices,
    PaymentStore payments,
    BurnStore burns,
    CreditNoteStore credits,
    RefundStore refunds,
    ISolanaRpcClient rpc,
    AnchorAuthority authority,
    IOptions<LedgerOptions> options,
    TimeProvider time)
{
    private static readonly TimeSpan StuckAfter = TimeSpan.FromHours(1);

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
        IReadOnlyList<OnChainAnchor> onChain = key is null ? [] : await new AnchorChainReader(rpc).ReadAllAsync(key, authority.LedgerName, book, cancellationToken).ConfigureAwait(false);
        var (linked, linkProblems) = AnchorChain.Link(onChain);
        var verifier = new LedgerStreamVerifier(linked, now, options.Value.MaxUnanchoredAge);
        var booked = new Dictionary<long, (string? EntryId, string? Hash, bool Readable)>();
        await foreach (var stored in ledger.ReadRecordedAsync(book, 1, cancellationToken).ConfigureAwait(false))
        {
            if (stored.Unreadable is { } bad)
            {
                // A planted value is a finding like any other edit, never a crash of the whole verification.
                verifier.AddUnreadable(bad.Sequence, bad.EntryId, bad.StoredHash, bad.Row.ToString(), stored.RecordedAt);
                booked.TryAdd(bad.Sequence, (bad.EntryId, bad.StoredHash, false));
            }
            else
            {
                verifier.Add(stored.Entry!, stored.RecordedAt);
                booked.TryAdd(stored.Entry!.Sequence, (stored.Entry.EntryId, stored.Entry.Hash, true));
            }
        }

        LedgerHead? head = null;
        try
        {
            head = await ledger.HeadAsync(book, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            problems.Add(new(nameof(LedgerProblemKind.HeadUnreadable), "head", ex.Message + "; the head cannot be compared with the last entry, and nothing is appended to the book until it is repaired"));
        }

        problems.AddRange(linkProblems.Concat(verifier.Complete(head?.LastSequence, head?.LastHash)).OrderBy(p => p.Sequence).Select(ToAudit));
        problems.AddRange(await IdIndexProblemsAsync(book, booked, cancellationToken).ConfigureAwait(false));

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
            if (row.Status == AnchorStatus.Confirmed && (!backed || !onChain.Any(a => a.Signature == row.Signature && a.Content == row.Content)))
            {
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

        return new LedgerAuditResult(verifier.Entries, linked.Count, pending, problems) { Authority = key?.ToString(), Ledger = authority.LedgerName };
    }

    /// <summary>
    /// The id index against the entries. Appends trust it to book each entry id once: a removed row lets a retried booking
    /// (a close, a webhook, a burn) book the entry a second time, and a row pointing elsewhere answers with another entry.
    /// </summary>
    private async Task<List<AuditProblem>> IdIndexProblemsAsync(string book, Dictionary<long, (string? EntryId, string? Hash, bool Readable)> booked, CancellationToken cancellationToken)
    {
        var problems = new List<AuditProblem>();
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
            else if (booked.TryGetValue(row.Sequence, out var entry) && !entry.Readable)
            {
                continue; // the entry row it points at is reported unreadable already; what it held cannot be compared
            }
            else if (entry.EntryId != row.EntryId || row.Hash is not null && row.Hash != entry.Hash)
            {
                string there = entry.EntryId is null ? "which holds no readable entry" : $"which books entry '{entry.EntryId}' (hash {entry.Hash})";
                problems.Add(new("IdRowMismatch", subject, string.Create(CultureInfo.InvariantCulture, $"points at sequence {row.Sequence} (hash {row.Hash}), {there}")));
            }
        }

        foreach (var (sequence, entry) in booked.Where(b => b.Value.EntryId is not null && !indexed.Contains(LedgerStore.IdRowKey(b.Value.EntryId))).OrderBy(b => b.Key))
        {
            problems.Add(new("IdRowMissing", entry.EntryId!, string.Create(CultureInfo.InvariantCulture,
                $"the entry at sequence {sequence} has no id row, so booking it again (a retried close, webhook or burn) would book it twice; restore the row {LedgerStore.IdRowKey(entry.EntryId!)} with EntryId, Sequence {sequence} and Hash")));
        }

        return problems;
    }

    private static AuditProblem ToAudit(LedgerProblem p) =>
        new(p.Kind.ToString(), p.EntryId ?? string.Create(CultureInfo.InvariantCulture, $"sequence {p.Sequence}"), p.Message);

    /// <summary>
    /// Invoices ↔ Stripe payments ↔ burns ↔ ledger entries. Besides broken links it lists every payment that did not simply
    /// pay its invoice: unapplied ones by reason (<c>PaymentCurrencyMismatch</c>, <c>PaymentUnknownCurrency</c>,
    /// <c>PaymentMalformedAmount</c>, <c>PaymentForUnknownInvoice</c>, <c>PaymentForUnpayableInvoice</c>,
    /// <c>PaymentSourceCurrencyChanged</c>), <c>InvoicePartiallyPaid</c> with the remaining amount and <c>CustomerCredit</c>
    /// for an overpayment (per invoice: <see cref="InvoiceFindings"/>, which counts pre-payment credit notes), plus
    /// <c>PaymentNotSettled</c> for work a crash left half done. A row that cannot be read (changed
    /// outside the platform) is a finding of its own (<c>InvoiceUnreadable</c>, <c>PaymentUnreadable</c>,
    /// <c>PaymentStateUnreadable</c>, <c>BurnUnreadable</c>, <c>LedgerEntryUnreadable</c>) instead of failing the report,
    /// and the checks that would derive from what it holds are not made. Credit notes: <see cref="CreditNoteFindings"/>; refunds:
    /// <see cref="RefundFindings"/>.
    /// </summary>
    public async Task<ReconciliationResult> ReconcileAsync(CancellationToken cancellationToken)
    {
        var invoiceList = await invoices.ListAsync(null, null, cancellationToken).ConfigureAwait(false);
        var allInvoices = invoiceList.Items;
        var unreadableInvoices = invoiceList.Unreadable.Select(u => u.Id).ToHashSet(StringComparer.Ordinal);
        var paymentList = await payments.ListAllAsync(cancellationToken).ConfigureAwait(false);
        var allPayments = paymentList.Items;
        var stateList = await payments.ListStatesAsync(cancellationToken).ConfigureAwait(false);
        var states = stateList.Items.ToDictionary(StringComparer.Ordinal);

        // An invoice with a payment row or state that cannot be read is reported as such; what its payments make of it is
        // unknown, so the checks that derive from them are not made (they would report the gap, not a mismatch).
        var paymentsUnknown = paymentList.Unreadable.Concat(stateList.Unreadable).Select(u => u.InvoiceId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var unsettled = await payments.ListUnsettledAsync(cancellationToken).ConfigureAwait(false);
        var burnList = await burns.ListAsync(null, cancellationToken).ConfigureAwait(false);
        var allBurns = burnList.Items;
        var unreadableBurns = burnList.Unreadable.Select(u => u.Id).ToHashSet(StringComparer.Ordinal);
        var entries = new Dictionary<string, LedgerEntry>(StringComparer.Ordinal);
        var mismatches = new List<AuditProblem>();

        // An entry row that cannot be read is reported; its id, when still legible, counts as booked, so the report does
        // not also call its invoice, payment or burn unbooked (what the row books is unknown, not missing).
        var unreadableEntries = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var row in ledger.ReadRecordedAsync(LedgerEntries.MainBook, 1, cancellationToken).ConfigureAwait(false))
        {
            if (row.Entry is { } readable)
            {
                entries[readable.EntryId] = readable;
            }
            else if (row.Unreadable is { } bad)
            {
                if (bad.EntryId is { } entryId)
                {
                    unreadableEntries.Add(entryId);
                }

                mismatches.Add(new("LedgerEntryUnreadable", bad.EntryId ?? $"sequence {bad.Sequence}", $"{bad.Row}; what it books is not counted here"));
            }
        }

        bool Booked(string entryId) => entries.ContainsKey(entryId) || unreadableEntries.Contains(entryId);
        var byInvoice = allInvoices.ToDictionary(i => i.Id.ToString(), StringComparer.Ordinal);
        var paymentsByInvoice = allPayments.GroupBy(p => p.InvoiceId).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var burnsByInvoice = allBurns.GroupBy(b => b.InvoiceId).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var now = time.GetUtcNow();

        var creditStates = await credits.ListStatesAsync(cancellationToken).ConfigureAwait(false);
        var creditsOf = creditStates.Items.ToDictionary(StringComparer.Ordinal);
        var creditsUnknown = creditStates.Unreadable.Select(u => u.InvoiceId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var refundList = await refunds.ListAllAsync(cancellationToken).ConfigureAwait(false);
        var refundsOf = refundList.Items.Where(r => r.InvoiceId is not null).GroupBy(r => r.InvoiceId!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        foreach (var invoice in allInvoices)
        {
            string id = invoice.Id.ToString();
            if (!creditsUnknown.Contains(id) && !paymentsUnknown.Contains(id))
            {
                mismatches.AddRange(ReleasedBeyondKept(invoice, burnsByInvoice.GetValueOrDefault(id) ?? [], states.GetValueOrDefault(id), creditsOf.GetValueOrDefault(id) ?? InvoiceCredits.Empty, refundsOf.GetValueOrDefault(id) ?? []));
            }

            mismatches.AddRange(InvoiceFindings.For(
                invoice,
                burnsByInvoice.GetValueOrDefault(id) ?? [],
                paymentsUnknown.Contains(id) ? null : paymentsByInvoice.GetValueOrDefault(id) ?? [],
                states.GetValueOrDefault(id),
                creditsUnknown.Contains(id) ? null : creditsOf.GetValueOrDefault(id) ?? InvoiceCredits.Empty,
                unreadableBurns.Contains(BurnIntent.IdFor(id)),
                Booked,
                now));
        }

        foreach (var bad in invoiceList.Unreadable)
        {
            mismatches.Add(new("InvoiceUnreadable", bad.Id, $"{bad.Reason}; its payments, burn and ledger entry are not compared, and no payment is applied to it until it is repaired"));
        }

        foreach (var bad in paymentList.Unreadable)
        {
            mismatches.Add(new("PaymentUnreadable", bad.Id, $"{bad.InvoiceId}: {bad.Reason}; nothing is booked or burned for the invoice until it is repaired"));
        }

        foreach (var bad in stateList.Unreadable)
        {
            mismatches.Add(new("PaymentStateUnreadable", bad.Id, $"{bad.Reason}; what was received for the invoice is unknown, so nothing is decided, booked or burned for it until it is repaired"));
        }

        foreach (var payment in allPayments)
        {
            if (payment.Resolution == PaymentResolution.Unapplied)
            {
                mismatches.Add(new(UnappliedKind(payment.Reason), payment.StripeEventId,
                    $"{payment.InvoiceId}: {payment.AmountText ?? payment.AmountMinor.ToString(CultureInfo.InvariantCulture)} {payment.Currency} not applied: {payment.Detail}"));
            }
            else if (!byInvoice.ContainsKey(payment.InvoiceId) && !unreadableInvoices.Contains(payment.InvoiceId))
            {
                mismatches.Add(new("PaymentForUnknownInvoice", payment.StripeEventId, $"payment of {payment.AmountMinor} {payment.Currency} for {payment.InvoiceId}, which does not exist"));
            }

            bool owesEntry = payment.Resolution is null || payment.ToReceivableMinor + payment.ToCreditMinor + payment.ToUnappliedMinor > 0;
            if (owesEntry && !Booked(LedgerEntries.PaymentId(payment.StripeEventId)))
            {
                mismatches.Add(new("PaymentNotBooked", payment.StripeEventId, $"no ledger entry {LedgerEntries.PaymentId(payment.StripeEventId)}"));
            }
        }

        foreach (var (invoiceId, since, _) in unsettled.Where(u => now - u.Since > StuckAfter / 60))
        {
            mismatches.Add(new("PaymentNotSettled", invoiceId, $"payment effects (ledger, burn intent, invoice status) incomplete since {since:u}; the BurnExecutor timer retries"));
        }

        foreach (var bad in burnList.Unreadable)
        {
            mismatches.Add(new("BurnUnreadable", bad.Id, $"{bad.Reason}; it is not executed and not counted here"));
        }

        foreach (var burn in allBurns)
        {
            if (!byInvoice.ContainsKey(burn.InvoiceId) && !unreadableInvoices.Contains(burn.InvoiceId))
            {
                mismatches.Add(new("BurnForUnknownInvoice", burn.Id, $"burn of {burn.UsdMinor} minor units for {burn.InvoiceId}, which does not exist"));
            }

            switch (burn.Status)
            {
                case BurnStatus.Finalized:
                    if (unreadableEntries.Contains(LedgerEntries.BurnId(burn.Id)))
                    {
                        break; // reported above as LedgerEntryUnreadable
                    }

                    if (!entries.TryGetValue(LedgerEntries.BurnId(burn.Id), out var entry))
                    {
                        mismatches.Add(new("BurnNotBooked", burn.Id, $"finalized ({burn.Signature}) but no ledger entry burn:{burn.Id}"));
                    }
                    else if (entry.Postings.Where(p => p.Asset == Assets.Token && p.Amount > 0).Sum(p => (decimal)p.Amount) != burn.TokenAmount)
                    {
                        mismatches.Add(new("BurnBookedWrongAmount", burn.Id, $"ledger books a different amount than the {burn.TokenAmount} base units burned"));
                    }

                    break;
                case BurnStatus.Failed:
                    mismatches.Add(new("BurnFailed", burn.Id, burn.Reason ?? "failed"));
                    break;
                case BurnStatus.Pending or BurnStatus.Signed or BurnStatus.Submitted when now - burn.CreatedAt > StuckAfter:
                    mismatches.Add(new("BurnStuck", burn.Id, $"{burn.Status.ToString().ToLowerInvariant()} since {burn.CreatedAt:u}: {burn.Reason ?? "no reason recorded"}"));
                    break;
            }
        }

        mismatches.AddRange(await CreditNoteFindings.ListAsync(credits, creditStates, allBurns, Booked, cancellationToken).ConfigureAwait(false));
        mismatches.AddRange(RefundFindings.For(refundList, allPayments, creditsOf, creditsUnknown));
        return new ReconciliationResult(allInvoices.Count, allPayments.Count, allBurns.Count, entries.Count, mismatches);
    }

    /// <summary>
    /// A burn finance released that converts more than its invoice keeps now (docs/design.md §4.18): money went back after it
    /// was signed. Held ones are not converting; the executor signs them only within what is kept.
    /// </summary>
    private static IEnumerable<AuditProblem> ReleasedBeyondKept(Invoice invoice, IReadOnlyList<BurnIntent> burns, InvoicePayments? paid, InvoiceCredits credits, IReadOnlyList<RefundRecord> charges)
    {
        foreach (var burn in burns.Where(b => b.ReleasedAt is not null && b.Status is not (BurnStatus.Held or BurnStatus.Skipped or BurnStatus.Failed)))
        {
            long kept = InvoiceKept.Of(invoice.Total.MinorUnits, paid?.ReceivedMinor ?? 0, credits, charges, invoice.Currency.Code);
            if (burn.UsdMinor > kept)
            {
                yield return new("ReleasedBurnExceedsKept", burn.Id, string.Create(CultureInfo.InvariantCulture,
                    $"released by {burn.ReleasedBy} at {burn.ReleasedAt:u} for {burn.UsdMinor} minor units ({burn.Status.ToString().ToLowerInvariant()}), but {invoice.Id} keeps {kept} after its credit notes and refunds; a burn is never undone: settle the difference outside the platform"));
            }
        }
    }

    private static string UnappliedKind(UnappliedReason reason) => reason switch
    {
        UnappliedReason.CurrencyMismatch => "PaymentCurrencyMismatch",
        UnappliedReason.UnknownCurrency => "PaymentUnknownCurrency",
        UnappliedReason.MalformedAmount => "PaymentMalformedAmount",
        UnappliedReason.UnknownInvoice => "PaymentForUnknownInvoice",
        UnappliedReason.InvoiceNotPayable => "PaymentForUnpayableInvoice",
        UnappliedReason.SourceCurrencyChanged => "PaymentSourceCurrencyChanged",
        _ => "PaymentUnapplied",
    };

    private static string Amount(long minor, Currency currency) => $"{new Money(minor, currency)} {currency.Code}";
}

namespace Billing.Application.Ledger;

/// <summary>Reconciliation: invoices ↔ Stripe payments ↔ burns ↔ ledger entries.</summary>
public sealed partial class LedgerAudit
{
    private static readonly TimeSpan StuckAfter = TimeSpan.FromHours(1);

    /// <summary>
    /// Invoices ↔ Stripe payments ↔ burns ↔ ledger entries. Besides broken links it lists every payment that did not simply
    /// pay its invoice: unapplied ones by reason (<c>PaymentCurrencyMismatch</c>, <c>PaymentUnknownCurrency</c>,
    /// <c>PaymentMalformedAmount</c>, <c>PaymentForUnknownInvoice</c>, <c>PaymentForUnpayableInvoice</c>,
    /// <c>PaymentSourceCurrencyChanged</c>, <c>PaymentCustomerMismatch</c>, <c>PaymentStripeInvoiceMismatch</c>,
    /// <c>PaymentSourceUnapplied</c>, <c>PaymentInvoiceMetadataMismatch</c>, <c>PaymentUnknownStripeInvoice</c>, <c>PaymentPaidOutOfBand</c>, <c>PaymentLivemodeMismatch</c>),
    /// <c>PaymentUnconfirmed</c> for an applied payment Stripe did not confirm (<see cref="UnconfirmedPaymentFindings"/>),
    /// <c>InvoicePartiallyPaid</c> with the remaining amount and <c>CustomerCredit</c>
    /// for an overpayment (per invoice: <see cref="InvoiceFindings"/>, which counts pre-payment credit notes), plus
    /// <c>PaymentNotSettled</c> for work a crash left half done. A row that cannot be read (changed
    /// outside the platform) is a finding of its own (<c>InvoiceUnreadable</c>, <c>PaymentUnreadable</c>,
    /// <c>PaymentStateUnreadable</c>, <c>BurnUnreadable</c>, <c>LedgerEntryUnreadable</c>) instead of failing the report,
    /// and the checks that would derive from what it holds are not made. Credit notes: <see cref="CreditNoteFindings"/>; refunds:
    /// <see cref="RefundFindings"/> (with <c>InvoicePaymentLinkUnreadable</c>); disputes: <see cref="DisputeFindings"/>; late usage (pending for the next close, or that no close would bill):
    /// <see cref="LateUsageFindings"/>. The findings of one invoice (<see cref="InvoiceRows"/>, and refunds beyond the credit notes
    /// of the charges placed under it) are only reported when a second read of that invoice's rows still finds them
    /// (<see cref="ConfirmAsync"/>); those that compare a scan with one read earlier (an entry or an invoice missing) are
    /// checked again too (<see cref="RecheckAsync"/>): a payment, credit note or refund written while the scans ran is not a
    /// mismatch. Not checked again (so reported when work lands between their scans, and gone on the next run): what credit
    /// notes mean for a burn, refunds compared by customer rather than invoice, disputes, and releases compared with their entries
    /// (<see cref="ReleaseFindings"/>; a release booked between the scans shows as <c>ReleaseEntryWithoutRelease</c> once). Late usage found not billed because its month
    /// is not closed for the payer or the payer failed in the latest close is decided again from the mark, the payer's invoices of
    /// the month and the close records read after the scans (<see cref="LateUsageFindings.ConfirmAsync"/>): a period close
    /// finishing meanwhile is no mismatch. A finalized burn's entry is compared with its row, invoice and payment
    /// (<see cref="BurnEntryFindings"/>: <c>BurnEntryMismatch</c>), a burn row with its invoice's records (<c>BurnRowMismatch</c>);
    /// every other entry of an invoice, payment or credit note with the entry its records make, and each entry of those kinds with
    /// its record (<see cref="EntryFindings"/>: <c>EntryMismatch</c>, <c>EntryWithoutSource</c>).
    /// </summary>
    public async Task<ReconciliationResult> ReconcileAsync(CancellationToken cancellationToken)
    {
        var invoiceList = await invoices.ListAsync(null, null, cancellationToken).ConfigureAwait(false);
        var allInvoices = invoiceList.Items;
        var unreadableInvoices = invoiceList.Unreadable.Select(u => u.Id).ToHashSet(StringComparer.Ordinal);
        var paymentList = await payments.ListAllAsync(cancellationToken).ConfigureAwait(false);
        var allPayments = paymentList.Items;
        var stateList = await payments.ListStatesAsync(cancellationToken).ConfigureAwait(false);
        var states = UnconfirmedPaymentFindings.Counted(stateList.Items.ToDictionary(StringComparer.Ordinal), allPayments);

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
        var chain = new BookChain(await HeadOrNoneAsync(cancellationToken).ConfigureAwait(false));
        await foreach (var row in ledger.ReadRecordedAsync(LedgerEntries.MainBook, 1, cancellationToken).ConfigureAwait(false))
        {
            chain.Add(row.Entry);
            if (row.Entry is { } readable)
            {
                // Invariant: only entries of the unbroken chain count as booked (BookChain): not a row past the head or after a
                // break, and for an id held twice the first.
                if (readable.Sequence <= chain.LinkedThrough)
                {
                    entries.TryAdd(readable.EntryId, readable);
                }
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
        void Add<T>(Dictionary<AuditProblem, T> recheck, AuditProblem finding, T by)
        {
            mismatches.Add(finding);
            recheck[finding] = by;
        }

        var byInvoice = allInvoices.ToDictionary(i => i.Id.ToString(), StringComparer.Ordinal);
        var paymentsByInvoice = allPayments.GroupBy(p => p.InvoiceId).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var burnsByInvoice = allBurns.GroupBy(b => b.InvoiceId).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var now = time.GetUtcNow();

        var creditStates = await credits.ListStatesAsync(cancellationToken).ConfigureAwait(false);
        var creditsOf = creditStates.Items.ToDictionary(StringComparer.Ordinal);
        var creditsUnknown = creditStates.Unreadable.Select(u => u.InvoiceId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var refundList = await refunds.ListAllAsync(cancellationToken).ConfigureAwait(false);
        mismatches.AddRange(await EntryFindingsAsync(entries, new EntrySources(byInvoice, unreadableInvoices, allPayments, paymentList.Unreadable, paymentsUnknown,
            allBurns, unreadableBurns, creditStates.Items, creditsUnknown, refundList.Items, refundList.Unreadable),
            cancellationToken).ConfigureAwait(false));
        var refundsOf = refundList.Items.Where(r => r.InvoiceId is not null).GroupBy(r => r.InvoiceId!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var disputeList = await refunds.Disputes.ListAllAsync(cancellationToken).ConfigureAwait(false);
        var disputesOf = disputeList.Items.Where(d => d.InvoiceId is not null).GroupBy(d => d.InvoiceId!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);

        // A finding of one invoice compares rows the scans read at different moments: each is confirmed by reading that invoice's
        // rows again once the scans are done (ConfirmAsync), so a payment, credit note or refund in flight is no finding.
        var invoiceOf = new Dictionary<AuditProblem, string>(ReferenceEqualityComparer.Instance);
        var rechecks = new Rechecks();
        foreach (var invoice in allInvoices)
        {
            string id = invoice.Id.ToString();
            var rows = new InvoiceRows(invoice, burnsByInvoice.GetValueOrDefault(id) ?? [], unreadableBurns.Contains(BurnIntent.IdFor(id)),
                paymentsUnknown.Contains(id) ? null : paymentsByInvoice.GetValueOrDefault(id) ?? [], states.GetValueOrDefault(id),
                creditsUnknown.Contains(id) ? null : creditsOf.GetValueOrDefault(id) ?? InvoiceCredits.Empty, refundsOf.GetValueOrDefault(id) ?? [],
                disputesOf.GetValueOrDefault(id) ?? []);
            foreach (var finding in rows.Findings(Booked, now))
            {
                mismatches.Add(finding);
                invoiceOf[finding] = id;
            }
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
            if (payment.StripeRefutation is not null)
            {
                mismatches.Add(UnconfirmedPaymentFindings.For(payment, Booked(LedgerEntries.PaymentId(payment.StripeEventId))));
                continue;
            }

            if (payment.Resolution == PaymentResolution.Unapplied)
            {
                mismatches.Add(new(UnappliedKind(payment.Reason), payment.StripeEventId,
                    $"{payment.InvoiceId}: {payment.AmountText ?? payment.AmountMinor.ToString(CultureInfo.InvariantCulture)} {payment.Currency} not applied: {payment.Detail}"));
            }
            else if (!byInvoice.ContainsKey(payment.InvoiceId) && !unreadableInvoices.Contains(payment.InvoiceId))
            {
                Add(rechecks.UnknownInvoice, new("PaymentForUnknownInvoice", payment.StripeEventId, $"payment of {payment.AmountMinor} {payment.Currency} for {payment.InvoiceId}, which does not exist"), payment.InvoiceId);
            }

            bool owesEntry = payment.Resolution is null || payment.ToReceivableMinor + payment.ToCreditMinor + payment.ToUnappliedMinor > 0;
            string paymentEntry = LedgerEntries.PaymentId(payment.StripeEventId);
            if (owesEntry && !Booked(paymentEntry))
            {
                Add(rechecks.Unbooked, new("PaymentNotBooked", payment.StripeEventId, $"no ledger entry {paymentEntry}"), paymentEntry);
            }
        }

        // A marker kept only to ask Stripe again is reported once, as the payment's PaymentUnconfirmed.
        var askedAgain = allPayments.Where(UnconfirmedPaymentFindings.AskedAgain).Select(p => p.InvoiceId).ToHashSet(StringComparer.Ordinal);
        foreach (var (invoiceId, since, _) in unsettled.Where(u => now - u.Since > StuckAfter / 60 && !askedAgain.Contains(u.InvoiceId)))
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
                Add(rechecks.UnknownInvoice, new("BurnForUnknownInvoice", burn.Id, $"burn of {burn.UsdMinor} minor units for {burn.InvoiceId}, which does not exist"), burn.InvoiceId);
            }

            switch (burn.Status)
            {
                case BurnStatus.Finalized:
                    if (unreadableEntries.Contains(LedgerEntries.BurnId(burn.Id)))
                    {
                        break; // reported above as LedgerEntryUnreadable
                    }

                    // Not looked up again: a burn is booked before it is marked finalized (BurnExecutor.FinalizeAsync), and the
                    // burns are scanned before the book, so one read finalized has its entry in the book scanned after.
                    if (!entries.TryGetValue(LedgerEntries.BurnId(burn.Id), out var entry))
                    {
                        mismatches.Add(new("BurnNotBooked", burn.Id, $"finalized ({burn.Signature}) but no ledger entry burn:{burn.Id}"));
                    }
                    else if (entry.Postings.Where(p => p.Asset == Assets.Token && p.Amount > 0).Sum(p => (decimal)p.Amount) != burn.TokenAmount)
                    {
                        mismatches.Add(new("BurnBookedWrongAmount", burn.Id, $"ledger books a different amount than the {burn.TokenAmount} base units burned"));
                    }
                    else
                    {
                        mismatches.AddRange(BurnEntryFindings.For(burn, entry, byInvoice.GetValueOrDefault(burn.InvoiceId),
                            paymentsUnknown.Contains(burn.InvoiceId) ? null : paymentsByInvoice.GetValueOrDefault(burn.InvoiceId) ?? [], states.GetValueOrDefault(burn.InvoiceId),
                            creditsUnknown.Contains(burn.InvoiceId) ? null : creditsOf.GetValueOrDefault(burn.InvoiceId) ?? InvoiceCredits.Empty));
                    }

                    break;
                case BurnStatus.Pending or BurnStatus.Held when entries.ContainsKey(LedgerEntries.BurnId(burn.Id)):
                    // Booked only once landed: its finalized row was replaced outside the platform (the executor holds it unsigned).
                    Add(rechecks.BookedBurn, new("BurnAlreadyBooked", burn.Id,
                        $"{burn.Status.ToString().ToLowerInvariant()}, but the ledger already books burn:{burn.Id}: it burned, and its row was recreated outside this platform; it is never signed again"), burn.Id);
                    break;
                case BurnStatus.Failed:
                    mismatches.Add(new("BurnFailed", burn.Id, burn.Reason ?? "failed"));
                    break;
                case BurnStatus.Pending or BurnStatus.Signed or BurnStatus.Submitted when now - burn.CreatedAt > StuckAfter:
                    mismatches.Add(new("BurnStuck", burn.Id, $"{burn.Status.ToString().ToLowerInvariant()} since {burn.CreatedAt:u}: {burn.Reason ?? "no reason recorded"}"));
                    break;
            }
        }

        mismatches.AddRange(await CreditNoteFindingsAsync(creditStates, allBurns, Booked, cancellationToken).ConfigureAwait(false));
        // What each payer overpaid, which a refund may return; none counts where its payments cannot be read (the refund is reported).
        Overpayment OverpaidOf(string id) => byInvoice.TryGetValue(id, out var invoice) && !paymentsUnknown.Contains(id)
            ? Overpayment.Of(invoice, states.GetValueOrDefault(id), creditsOf.GetValueOrDefault(id) ?? InvoiceCredits.Empty) : Overpayment.None;
        foreach (var finding in RefundFindings.For(refundList, allPayments, creditsOf, creditsUnknown, OverpaidOf))
        {
            mismatches.Add(finding);
            if (RefundFindings.IsOfInvoice(finding, refundsOf.ContainsKey))
            {
                invoiceOf[finding] = finding.Subject;
            }
        }

        mismatches.AddRange(BookedRowMissing.Findings(entries.Values, creditsOf, creditsUnknown, refundList));
        mismatches.AddRange(DisputeFindings.For(disputeList, burnsByInvoice));
        mismatches.AddRange(ReleaseFindings.For(allBurns, unreadableBurns, entries));
        mismatches.AddRange(RefundFindings.LinksUnreadable(await links.ListUnreadableAsync(cancellationToken).ConfigureAwait(false)));
        var late = await LateUsageFindings.ListAsync(facts.LateUsage, partners, invoices, allInvoices, now, invoicing.Value, cancellationToken).ConfigureAwait(false);
        var (pending, lateMismatches) = await LateUsageFindings.ConfirmAsync(late, facts.LateUsage, invoices, now, invoicing.Value, cancellationToken).ConfigureAwait(false);
        mismatches.AddRange(lateMismatches);
        mismatches = await RecheckAsync(mismatches, rechecks, cancellationToken).ConfigureAwait(false);
        mismatches = await ConfirmAsync(mismatches, invoiceOf, Booked, now, cancellationToken).ConfigureAwait(false);
        var (open, acknowledged) = SetAsideAcknowledged(mismatches, entries.Values);
        return new ReconciliationResult(allInvoices.Count, allPayments.Count, allBurns.Count, entries.Count, open) { Pending = pending, Acknowledged = acknowledged };
    }

    /// <summary>The book's head, or none (nothing counts as linked) when its row cannot be read: ledger verify reports that.</summary>
    private async Task<LedgerHead?> HeadOrNoneAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await ledger.HeadAsync(LedgerEntries.MainBook, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>
    /// The findings finance acknowledged, for exactly the detail they have now, set apart from the rest. A finding whose
    /// detail changed since is open again, and so is one acknowledged only by an entry outside the linked book
    /// (<see cref="BookChain"/>) or whose hash no longer matches: a row written beside the book hides nothing. Nor does an
    /// acknowledgement without this deployment's seal (<see cref="LedgerSealKeys"/>: appended at the head by someone with
    /// table access, or booked before entries were sealed): its finding stays open, and <see cref="UnsealedAcknowledgement"/>
    /// names the entry.
    /// </summary>
    private static (List<AuditProblem> Open, List<AcknowledgedProblem> Acknowledged) SetAsideAcknowledged(List<AuditProblem> findings, IEnumerable<LedgerEntry> entries)
    {
        var read = entries
            .Where(e => e.Kind == LedgerEntryKind.ReconcileAcknowledged)
            .Select(e => (Entry: e, Acknowledgement: ReconcileAcknowledgement.From(e)))
            .Where(a => a.Acknowledgement is not null)
            .ToList();
        var acknowledgements = read.Where(a => a.Entry.IsSealed).ToDictionary(a => a.Acknowledgement!.EntryId, a => a.Acknowledgement!, StringComparer.Ordinal);
        var unsealed = read.Where(a => !a.Entry.IsSealed).ToDictionary(a => a.Acknowledgement!.EntryId, a => a.Entry, StringComparer.Ordinal);
        var open = new List<AuditProblem>(findings.Count);
        var acknowledged = new List<AcknowledgedProblem>();
        var notHiding = new List<AuditProblem>();
        foreach (var finding in findings)
        {
            string id = ReconcileAcknowledgement.CanAcknowledge(finding.Kind) && read.Count > 0
                ? ReconcileAcknowledgement.Id(finding.Kind, finding.Subject, ReconcileAcknowledgement.DigestOf(finding.Detail))
                : "";
            if (acknowledgements.TryGetValue(id, out var acknowledgement))
            {
                acknowledged.Add(new AcknowledgedProblem(finding, acknowledgement));
                continue;
            }

            open.Add(finding);
            if (unsealed.TryGetValue(id, out var entry))
            {
                notHiding.Add(new(UnsealedAcknowledgement, entry.EntryId, string.Create(CultureInfo.InvariantCulture,
                    $"acknowledges the {finding.Kind} finding about '{finding.Subject}' (listed open), but ledger entry #{entry.Sequence} {Burns.ReleaseProof.NotSealed(entry)}: appended outside the platform, or before entries were sealed; it hides nothing")));
            }
        }

        open.AddRange(notHiding);
        return (open, acknowledged);
    }

    /// <summary>The reconcile kind of an acknowledgement entry without this deployment's seal that would hide a finding.</summary>
    public const string UnsealedAcknowledgement = "AcknowledgementUnsealed";

    private static string UnappliedKind(UnappliedReason reason) => reason switch
    {
        UnappliedReason.CurrencyMismatch => "PaymentCurrencyMismatch",
        UnappliedReason.UnknownCurrency => "PaymentUnknownCurrency",
        UnappliedReason.MalformedAmount => "PaymentMalformedAmount",
        UnappliedReason.UnknownInvoice => "PaymentForUnknownInvoice",
        UnappliedReason.InvoiceNotPayable => "PaymentForUnpayableInvoice",
        UnappliedReason.SourceCurrencyChanged => "PaymentSourceCurrencyChanged",
        UnappliedReason.CustomerMismatch => "PaymentCustomerMismatch",
        UnappliedReason.StripeInvoiceMismatch => "PaymentStripeInvoiceMismatch",
        UnappliedReason.SourceUnapplied => "PaymentSourceUnapplied",
        UnappliedReason.InvoiceMetadataMismatch => "PaymentInvoiceMetadataMismatch",
        UnappliedReason.UnknownStripeInvoice => "PaymentUnknownStripeInvoice",
        UnappliedReason.PaidOutOfBand => "PaymentPaidOutOfBand",
        UnappliedReason.LivemodeMismatch => "PaymentLivemodeMismatch",
        _ => "PaymentUnapplied",
    };

    private static string Amount(long minor, Currency currency) => $"{new Money(minor, currency)} {currency.Code}";
}

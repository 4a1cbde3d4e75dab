namespace Billing.Application.Burns;

/// <summary>
/// Finance's decision on a burn held because money of its invoice went back (a credit note, a refund outside the notes): burn
/// <c>amountMinor</c> of it, at most what the invoice kept after its credit notes, refunds and lost disputes (<see cref="InvoiceKept"/>) and at most what the burn converted, or
/// nothing (zero: skipped, never sent). The release is booked in the ledger first (<see cref="BurnReleaseEvidence"/>: who, when,
/// how much, what was kept, why, and what was refunded per charge then), then recorded on the burn: the executor honours only a
/// release the book records, so a row written outside the platform lifts no hold, and a release cut off between the two is
/// completed by releasing again as it was. The executor checks the amount
/// against what is kept again right before signing, so a credit note or refund that arrives after the release holds it
/// again, and finance releases it again (docs/design.md §4.18): every release stays on the burn, the last one stands. A refund
/// of the invoice's customer that no invoice is found for yet does not refuse a release (releasing is the way past its hold):
/// the answer names it, and one Stripe makes after the release holds the burn again. Nothing signed is ever touched.
/// </summary>
public sealed class BurnReleaser(
    BurnStore burns, InvoiceStore invoices, PaymentStore payments, CreditNoteStore creditNotes, RefundStore refunds, LedgerStore ledger, PaymentConfirmation confirmation, BurnTrigger trigger, TimeProvider time)
{
    private const int MaxAttempts = 5;

    /// <summary>Longest reason kept: a sentence or two for the audit trail.</summary>
    public const int MaxNoteChars = 500;

    /// <summary>
    /// Most releases one burn keeps. Each needs a hold before it (money of the invoice went back since the last one), so an
    /// invoice reaching it is one to settle outside the platform; the bound keeps every decision on the burn's row.
    /// </summary>
    public const int MaxReleases = 20;

    /// <param name="burnId">The burn (<c>burn-{invoice}</c>).</param>
    /// <param name="amountMinor">What to burn, in minor units of the invoice's currency; 0 burns nothing.</param>
    /// <param name="note">Why (required, at most <see cref="MaxNoteChars"/>).</param>
    /// <param name="releasedBy">The finance partner deciding.</param>
    /// <param name="cancellationToken">Cancels the storage calls.</param>
    /// <exception cref="InvalidDataException">A row of the burn, its payments, credit notes or refunds cannot be read: nothing is decided on a guess.</exception>
    public async Task<BurnReleaseResult> ReleaseAsync(string burnId, long amountMinor, string note, string releasedBy, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(burnId);
        ArgumentOutOfRangeException.ThrowIfNegative(amountMinor);
        ArgumentException.ThrowIfNullOrWhiteSpace(note);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(note.Length, MaxNoteChars, nameof(note));
        ArgumentException.ThrowIfNullOrEmpty(releasedBy);
        for (int attempt = 1; ; attempt++)
        {
            if (await burns.GetAsync(burnId, cancellationToken).ConfigureAwait(false) is not var (intent, etag))
            {
                return new(BurnReleaseOutcome.NotFound, null, $"no burn {burnId}");
            }

            if (intent.Status != BurnStatus.Held)
            {
                return new(BurnReleaseOutcome.NotHeld, intent, $"burn {burnId} is {intent.Status.ToString().ToLowerInvariant()}; only a held burn is released");
            }

            if (intent.Releases.Count >= MaxReleases)
            {
                return new(BurnReleaseOutcome.TooManyReleases, intent, $"burn {burnId} was released {intent.Releases.Count} times, the most one burn keeps: settle what is left of {intent.InvoiceId} outside the platform");
            }

            long kept = await KeptAsync(intent, cancellationToken).ConfigureAwait(false);
            if (amountMinor > kept || amountMinor > intent.UsdMinor)
            {
                var lost = InvoiceKept.Lost(await refunds.Disputes.OfInvoiceAsync(intent.InvoiceId, cancellationToken).ConfigureAwait(false), intent.Currency);
                string after = lost.Count == 0 ? "its credit notes and refunds"
                    : $"its credit notes, refunds and {string.Join(", ", lost.Select(d => $"lost dispute {d.DisputeId} of {Amount(d.AmountMinor, d.Currency)}"))} (that cash went back to the customer)";
                return new(BurnReleaseOutcome.ExceedsKept, intent,
                    $"{Amount(amountMinor, intent.Currency)} is more than {intent.InvoiceId} kept after {after}, {Amount(kept, intent.Currency)}, or than the burn converts, {Amount(intent.UsdMinor, intent.Currency)}");
            }

            // Releasing is the way past a refund of the customer no invoice is found for yet (design §4.18): finance decides with
            // it named, and only one Stripe makes after this release holds the burn again.
            string unplaced = await UnplacedCustomerRefunds.DescribeAsync(payments, refunds, intent.InvoiceId, null, cancellationToken).ConfigureAwait(false) is { } refunded
                ? $"; decided with this in view: {refunded} (a refund Stripe makes after this release holds the burn again)"
                : "";
            var now = time.GetUtcNow();
            int ordinal = intent.Releases.Count + 1;
            string entryId = BurnReleaseEvidence.Id(burnId, ordinal);
            var booked = await ledger.GetAsync(LedgerEntries.MainBook, entryId, cancellationToken).ConfigureAwait(false);
            BurnReleaseEvidence evidence;
            if (booked is not null)
            {
                // Booked, but the row was not written (cut off between the two, or a concurrent release): the book's release stands.
                evidence = BurnReleaseEvidence.From(booked)
                    ?? throw new InvalidDataException($"ledger entry {entryId} (sequence {booked.Sequence}) does not read as a release: it was changed outside the platform; run ledger verify");
                if (evidence.BurnId != intent.Id || evidence.InvoiceId != intent.InvoiceId || evidence.Release.By != releasedBy || evidence.Release.AmountMinor != amountMinor)
                {
                    return new(BurnReleaseOutcome.Conflict, intent, string.Create(CultureInfo.InvariantCulture,
                        $"release {ordinal} of {burnId} is booked in the ledger ({entryId}: {BurnReleaseEvidence.Describe(evidence.Release)}) but not on the burn (a release cut off before its row was written): release it again for {evidence.Release.AmountMinor} minor units as {evidence.Release.By} to complete it"));
                }
            }
            else
            {
                var (seen, seenIn) = await RefundedAsync(intent, cancellationToken).ConfigureAwait(false);
                evidence = new(intent.Id, intent.InvoiceId, ordinal, new BurnRelease(releasedBy, now, amountMinor, kept, note), seen, seenIn);
            }

            if (evidence.Release.At > now)
            {
                // Never stored: the executor holds a release dated after now, and its holds would pass over everything before it.
                return new(BurnReleaseOutcome.Conflict, intent, $"release {ordinal} of {burnId} is booked in the ledger dated after now ({BurnReleaseEvidence.Describe(evidence.Release)}): not written onto the burn; run ledger verify and reconcile");
            }

            IReadOnlyList<BurnRelease> releases = [.. intent.Releases, evidence.Release]; // earlier decisions stay
            if (!BurnStore.KeepsReleases(releases))
            {
                return new(BurnReleaseOutcome.TooManyReleases, intent, $"burn {burnId} cannot keep one more release: its {intent.Releases.Count} releases fill what one burn keeps (a shorter note may fit); otherwise settle what is left of {intent.InvoiceId} outside the platform");
            }

            if (booked is null)
            {
                if (Unbookable(evidence, out var draft) is { } why)
                {
                    return new(BurnReleaseOutcome.Conflict, intent, why);
                }

                // Idempotent by the entry id: another request that booked this ordinal meanwhile is found, and decided on again above.
                var entry = await ledger.AppendAsync(LedgerEntries.MainBook, draft!, cancellationToken).ConfigureAwait(false);
                if (BurnReleaseEvidence.From(entry) is not { } stored || !stored.Records(evidence.Release))
                {
                    continue;
                }
            }

            // The entry first, then the row: a row never carries a release the book does not record.
            var release = evidence.Release;
            var released = intent with
            {
                Status = release.AmountMinor == 0 ? BurnStatus.Skipped : BurnStatus.Pending,
                UsdMinor = release.AmountMinor,
                TokenAmount = 0, // recomputed from the released amount when it is signed
                Releases = releases,
                Reason = release.AmountMinor == 0 ? $"released by {release.By} with nothing to burn" : null, // the note stays on the burn only: a reason may reach the payer's invoice
                UpdatedAt = now,
            };
            if (await burns.TryReplaceAsync(released, etag, cancellationToken).ConfigureAwait(false) is not null)
            {
                trigger.Signal();
                string completed = booked is null ? "" : $"; completed release {ordinal} booked earlier ({BurnReleaseEvidence.Describe(release)}), whose row had not been written: its note stands";
                return new(BurnReleaseOutcome.Released, released, $"{Amount(release.AmountMinor, intent.Currency)} of {Amount(kept, intent.Currency)} kept released" + unplaced + completed);
            }

            if (attempt == MaxAttempts)
            {
                throw new Azure.RequestFailedException(412, $"burn {burnId} kept changing while being released");
            }
        }
    }

    /// <summary>Why the release cannot be booked (more charges than one entry records, an id too long); null with its draft.</summary>
    private static string? Unbookable(BurnReleaseEvidence evidence, out LedgerEntryDraft? draft)
    {
        try
        {
            draft = evidence.ToDraft();
            return null;
        }
        catch (LedgerValidationException ex)
        {
            draft = null;
            return $"the release of {evidence.BurnId} cannot be booked in the ledger ({string.Join("; ", ex.Problems)}): settle what is left of {evidence.InvoiceId} outside the platform";
        }
    }

    /// <summary>
    /// What was refunded per charge of the burn's invoice when finance releases it: the most Stripe reports (asked as the executor
    /// asks before signing) or the refund rows record, under the invoice or under no invoice yet for a customer who paid it. Without
    /// Stripe (no key, tables on this machine, or Stripe not reachable now), the rows alone: a refund Stripe had made but not yet
    /// delivered then holds the burn again before signing, as one finance has not seen.
    /// </summary>
    private async Task<(IReadOnlyDictionary<string, long> Seen, string SeenIn)> RefundedAsync(BurnIntent intent, CancellationToken cancellationToken)
    {
        var seen = new SortedDictionary<string, long>(StringComparer.Ordinal);
        void Saw(string charge, long refundedMinor)
        {
            if (refundedMinor > 0)
            {
                seen[charge] = Math.Max(seen.GetValueOrDefault(charge), refundedMinor);
            }
        }

        foreach (var row in await refunds.OfInvoiceAsync(intent.InvoiceId, cancellationToken).ConfigureAwait(false))
        {
            Saw(row.ChargeId, row.AmountRefundedMinor);
        }

        foreach (var (customer, _) in (await InvoicePayers.OfAsync(payments, intent.InvoiceId, cancellationToken).ConfigureAwait(false)).Customers)
        {
            foreach (var row in await refunds.UnplacedOfCustomerAsync(customer, cancellationToken).ConfigureAwait(false))
            {
                Saw(row.ChargeId, row.AmountRefundedMinor);
            }
        }

        var named = await payments.GetAsync(intent.InvoiceId, intent.PaymentId, cancellationToken).ConfigureAwait(false);
        var (state, _) = await payments.GetStateAsync(intent.InvoiceId, cancellationToken).ConfigureAwait(false);
        var answers = await confirmation.ConfirmAsync(intent.InvoiceId, intent.Currency, state, named is null ? [] : [named], withCharges: true, cancellationToken).ConfigureAwait(false);
        var charges = answers.Charges.ToList();
        foreach (var charge in charges)
        {
            Saw(charge.ChargeId, charge.AmountRefundedMinor);
        }

        return (seen, charges.Count > 0 ? "Stripe and the refund rows"
            : answers.Unreachable is not null ? "the refund rows (Stripe could not be asked)" : "the refund rows");
    }

    /// <summary>What the burn's invoice kept after its credit notes, refunds and lost disputes; the executor's check before signing a released burn too.</summary>
    internal static async Task<long> KeptAsync(
        BurnIntent intent, InvoiceStore invoices, PaymentStore payments, CreditNoteStore creditNotes, RefundStore refunds, CancellationToken cancellationToken)
    {
        if (await InvoiceOfAsync(intent, invoices, cancellationToken).ConfigureAwait(false) is not { } invoice)
        {
            return 0; // what was due is unknown: nothing counts as kept
        }

        var (paid, _) = await payments.GetStateAsync(intent.InvoiceId, cancellationToken).ConfigureAwait(false);
        var (credits, _) = await creditNotes.GetStateAsync(intent.InvoiceId, cancellationToken).ConfigureAwait(false);
        var charges = await refunds.OfInvoiceAsync(intent.InvoiceId, cancellationToken).ConfigureAwait(false);
        var disputes = await refunds.Disputes.OfInvoiceAsync(intent.InvoiceId, cancellationToken).ConfigureAwait(false);
        return InvoiceKept.Of(invoice.Total.MinorUnits, paid.ReceivedMinor, credits, charges, intent.Currency, disputes);
    }

    private static async Task<Invoice?> InvoiceOfAsync(BurnIntent intent, InvoiceStore invoices, CancellationToken cancellationToken)
    {
        try
        {
            return await invoices.GetAsync(InvoiceId.Parse(intent.InvoiceId), cancellationToken).ConfigureAwait(false);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// An amount as finance types it into the release form (major units and code), with the minor units the API takes, so a
    /// refusal reads the same in the console, the CLI and the API: <c>100.00 USD (10000 minor units)</c>.
    /// </summary>
    private static string Amount(long minor, string currencyCode) => Currency.TryFromCode(currencyCode, out Currency? currency)
        ? string.Create(CultureInfo.InvariantCulture, $"{new Money(minor, currency)} {currency.Code} ({minor} minor units)")
        : string.Create(CultureInfo.InvariantCulture, $"{minor} minor units of {currencyCode}");

    private Task<long> KeptAsync(BurnIntent intent, CancellationToken cancellationToken) => KeptAsync(intent, invoices, payments, creditNotes, refunds, cancellationToken);
}

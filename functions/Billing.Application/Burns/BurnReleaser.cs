namespace Billing.Application.Burns;

/// <summary>
/// Finance's decision on a burn held because money of its invoice went back (a credit note, a refund outside the notes): burn
/// <c>amountMinor</c> of it, at most what the invoice kept after its credit notes, refunds and lost disputes (<see cref="InvoiceKept"/>) and at most what the burn converted, or
/// nothing (zero: skipped, never sent). The release is booked in the ledger first (<see cref="BurnReleaseEvidence"/>: who, when,
/// how much, what was kept, why, and what was refunded per charge then), then recorded on the burn: the executor honours only a
/// release the book records, so a row written outside the platform alone lifts no hold (one written together with an entry
/// appended to the book's head is honoured, and the book shows it). A release cut off between the two is completed by the
/// burn's next release: the booked one goes onto the row first as it was, then the request as the next one unless it is the
/// same amount by the same partner. The executor checks the amount
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

            // Releases booked whose row was not written (cut off between the two, or a concurrent release) are finance's earlier
            // decisions, made with what was kept then: they go onto the row first, whatever this request asks (the executor checks
            // the amount against what is kept now before signing), so a lowered kept amount or a partner who left never strands them.
            var now = time.GetUtcNow();
            var (completing, unreadable) = await BookedOffTheRowAsync(intent, now, cancellationToken).ConfigureAwait(false);
            if (unreadable is not null)
            {
                return new(BurnReleaseOutcome.Conflict, intent, unreadable);
            }

            IReadOnlyList<BurnRelease> releases = [.. intent.Releases, .. completing.Select(e => e.Release)]; // earlier decisions stay
            if (!BurnStore.KeepsReleases(releases))
            {
                return new(BurnReleaseOutcome.TooManyReleases, intent, $"burn {burnId} cannot keep the releases booked for it: settle what is left of {intent.InvoiceId} outside the platform");
            }

            string completed = string.Concat(completing.Select(e => string.Create(CultureInfo.InvariantCulture,
                $"; completed release {e.Ordinal} booked earlier ({BurnReleaseEvidence.Describe(e.Release)}), whose row had not been written: its note stands")));
            long kept = await KeptAsync(intent, cancellationToken).ConfigureAwait(false);
            string unplaced = "";
            BurnReleaseResult? refusal = null;
            if (completing.Count == 0 || completing[^1].Release.By != releasedBy || completing[^1].Release.AmountMinor != amountMinor)
            {
                // A new decision, after any booked ones: ordinal n+1 when this request differs from the release booked as n.
                var decided = await DecideAsync(intent, releases, amountMinor, note, releasedBy, kept, now, cancellationToken).ConfigureAwait(false);
                if (decided.Refused is { } refused)
                {
                    if (completing.Count == 0)
                    {
                        return refused;
                    }

                    refusal = refused; // the booked releases are completed all the same; only this request is refused
                }
                else if (decided.Booked is { } release)
                {
                    releases = [.. releases, release];
                    unplaced = decided.Unplaced;
                }
                else
                {
                    continue; // another request booked this ordinal meanwhile: decided on again with it
                }
            }

            // The entries first, then the row: a row never carries a release the book does not record.
            if (await WriteAsync(intent, releases, etag, now, cancellationToken).ConfigureAwait(false) is { } released)
            {
                trigger.Signal();
                return refusal is not null ? refusal with { Burn = released, Detail = refusal.Detail + completed }
                    : new(BurnReleaseOutcome.Released, released, $"{Amount(released.UsdMinor, intent.Currency)} of {Amount(kept, intent.Currency)} kept released" + unplaced + completed);
            }

            if (attempt == MaxAttempts)
            {
                throw new Azure.RequestFailedException(412, $"burn {burnId} kept changing while being released");
            }
        }
    }

    /// <summary>The releases the book holds after the row's last one (ordinals n, n+1, …), oldest first; or why they cannot go onto the row.</summary>
    /// <exception cref="InvalidDataException">An entry under a release's id does not read as a release.</exception>
    private async Task<(List<BurnReleaseEvidence> Booked, string? Conflict)> BookedOffTheRowAsync(BurnIntent intent, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var booked = new List<BurnReleaseEvidence>();
        for (int ordinal = intent.Releases.Count + 1; ordinal <= MaxReleases; ordinal++)
        {
            string entryId = BurnReleaseEvidence.Id(intent.Id, ordinal);
            if (await ledger.GetAsync(LedgerEntries.MainBook, entryId, cancellationToken).ConfigureAwait(false) is not { } entry)
            {
                break;
            }

            var evidence = BurnReleaseEvidence.From(entry)
                ?? throw new InvalidDataException($"ledger entry {entryId} (sequence {entry.Sequence}) does not read as a release: it was changed outside the platform; run ledger verify");
            if (!entry.IsSealed)
            {
                // Never completed onto the row: the entry was appended outside the platform (or before entries were sealed).
                return (booked, $"release {ordinal} of {intent.Id} is booked in the ledger ({BurnReleaseEvidence.Describe(evidence.Release)}), but its entry {entryId} {ReleaseProof.NotSealed(entry)}: not written onto the burn; run ledger verify and reconcile");
            }

            if (evidence.InvoiceId != intent.InvoiceId || evidence.Release.At > now)
            {
                // Never stored: the executor holds a release dated after now, and its holds would pass over everything before it.
                return (booked, $"release {ordinal} of {intent.Id} is booked in the ledger for invoice {evidence.InvoiceId}, dated {evidence.Release.At.UtcDateTime:O} ({BurnReleaseEvidence.Describe(evidence.Release)}): not written onto the burn; run ledger verify and reconcile");
            }

            booked.Add(evidence);
        }

        return (booked, null);
    }

    /// <summary>This request as the release after <paramref name="releases"/>, booked in the ledger; or why it is refused; neither when another request booked its ordinal meanwhile.</summary>
    private async Task<(BurnRelease? Booked, BurnReleaseResult? Refused, string Unplaced)> DecideAsync(
        BurnIntent intent, IReadOnlyList<BurnRelease> releases, long amountMinor, string note, string releasedBy, long kept, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (releases.Count >= MaxReleases)
        {
            return (null, new(BurnReleaseOutcome.TooManyReleases, intent, $"burn {intent.Id} was released {releases.Count} times, the most one burn keeps: settle what is left of {intent.InvoiceId} outside the platform"), "");
        }

        if (amountMinor > kept || amountMinor > intent.UsdMinor)
        {
            var lost = InvoiceKept.Lost(await refunds.Disputes.OfInvoiceAsync(intent.InvoiceId, cancellationToken).ConfigureAwait(false), intent.Currency);
            string after = lost.Count == 0 ? "its credit notes and refunds"
                : $"its credit notes, refunds and {string.Join(", ", lost.Select(d => $"lost dispute {d.DisputeId} of {Amount(d.AmountMinor, d.Currency)}"))} (that cash went back to the customer)";
            return (null, new(BurnReleaseOutcome.ExceedsKept, intent,
                $"{Amount(amountMinor, intent.Currency)} is more than {intent.InvoiceId} kept after {after}, {Amount(kept, intent.Currency)}, or than the burn converts, {Amount(intent.UsdMinor, intent.Currency)}"), "");
        }

        var (seen, seenIn) = await RefundedAsync(intent, cancellationToken).ConfigureAwait(false);
        var evidence = new BurnReleaseEvidence(intent.Id, intent.InvoiceId, releases.Count + 1, new BurnRelease(releasedBy, now, amountMinor, kept, note), seen, seenIn);
        if (!BurnStore.KeepsReleases([.. releases, evidence.Release]))
        {
            return (null, new(BurnReleaseOutcome.TooManyReleases, intent, $"burn {intent.Id} cannot keep one more release: its {releases.Count} releases fill what one burn keeps (a shorter note may fit); otherwise settle what is left of {intent.InvoiceId} outside the platform"), "");
        }

        if (Unbookable(evidence, out var draft) is { } why)
        {
            return (null, new(BurnReleaseOutcome.Conflict, intent, why), "");
        }

        // Releasing is the way past a refund of the customer no invoice is found for yet (design §4.18): finance decides with
        // it named, and only one Stripe makes after this release holds the burn again.
        string unplaced = await UnplacedCustomerRefunds.DescribeAsync(payments, refunds, intent.InvoiceId, null, cancellationToken).ConfigureAwait(false) is { } refunded
            ? $"; decided with this in view: {refunded} (a refund Stripe makes after this release holds the burn again)"
            : "";

        // Idempotent by the entry id: another request that booked this ordinal meanwhile is found, and decided on again.
        var entry = await ledger.AppendAsync(LedgerEntries.MainBook, draft!, cancellationToken).ConfigureAwait(false);
        return BurnReleaseEvidence.From(entry) is { } stored && stored.Records(evidence.Release) ? (evidence.Release, null, unplaced) : (null, null, "");
    }

    /// <summary>The row with <paramref name="releases"/>, the last one standing; null when the row changed meanwhile.</summary>
    private async Task<BurnIntent?> WriteAsync(BurnIntent intent, IReadOnlyList<BurnRelease> releases, ETag etag, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var release = releases[^1];
        var released = intent with
        {
            Status = release.AmountMinor == 0 ? BurnStatus.Skipped : BurnStatus.Pending,
            UsdMinor = release.AmountMinor,
            TokenAmount = 0, // recomputed from the released amount when it is signed
            Releases = releases,
            Reason = release.AmountMinor == 0 ? $"released by {release.By} with nothing to burn" : null, // the note stays on the burn only: a reason may reach the payer's invoice
            UpdatedAt = now,
        };
        return await burns.TryReplaceAsync(released, etag, cancellationToken).ConfigureAwait(false) is not null ? released : null;
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

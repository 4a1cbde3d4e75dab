namespace Billing.Application.Burns;

/// <summary>
/// Finance's decision on a burn held because money of its invoice went back (a credit note, a refund outside the notes): burn
/// <c>amountMinor</c> of it, at most what the invoice kept after its credit notes, refunds and lost disputes (<see cref="InvoiceKept"/>) and at most what the burn converted, or
/// nothing (zero: skipped, never sent). The release is recorded on the burn (who, when, why); the executor checks the amount
/// against what is kept again right before signing, so a credit note or refund that arrives after the release holds it
/// again, and finance releases it again (docs/design.md §4.18): every release stays on the burn, the last one stands. A refund
/// of the invoice's customer that no invoice is found for yet does not refuse a release (releasing is the way past its hold):
/// the answer names it, and one Stripe makes after the release holds the burn again. Nothing signed is ever touched.
/// </summary>
public sealed class BurnReleaser(BurnStore burns, InvoiceStore invoices, PaymentStore payments, CreditNoteStore creditNotes, RefundStore refunds, BurnTrigger trigger, TimeProvider time)
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
            IReadOnlyList<BurnRelease> releases = [.. intent.Releases, new BurnRelease(releasedBy, now, amountMinor, kept, note)]; // earlier decisions stay
            if (!BurnStore.KeepsReleases(releases))
            {
                return new(BurnReleaseOutcome.TooManyReleases, intent, $"burn {burnId} cannot keep one more release: its {intent.Releases.Count} releases fill what one burn keeps (a shorter note may fit); otherwise settle what is left of {intent.InvoiceId} outside the platform");
            }

            var released = intent with
            {
                Status = amountMinor == 0 ? BurnStatus.Skipped : BurnStatus.Pending,
                UsdMinor = amountMinor,
                TokenAmount = 0, // recomputed from the released amount when it is signed
                Releases = releases,
                Reason = amountMinor == 0 ? $"released by {releasedBy} with nothing to burn" : null, // the note stays on the burn only: a reason may reach the payer's invoice
                UpdatedAt = now,
            };
            if (await burns.TryReplaceAsync(released, etag, cancellationToken).ConfigureAwait(false) is not null)
            {
                trigger.Signal();
                return new(BurnReleaseOutcome.Released, released, $"{Amount(amountMinor, intent.Currency)} of {Amount(kept, intent.Currency)} kept released" + unplaced);
            }

            if (attempt == MaxAttempts)
            {
                throw new Azure.RequestFailedException(412, $"burn {burnId} kept changing while being released");
            }
        }
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

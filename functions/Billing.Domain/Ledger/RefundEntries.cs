
namespace Billing.Domain.Ledger;

/// <summary>
/// The entries of Stripe refunds (<see cref="LedgerEntryKind.PaymentRefunded"/>). Stripe reports a charge's refunds as one
/// cumulative amount, so a charge's refunds are booked as steps <c>refund:{charge}:{n}</c> (n = 1, 2, …), each adding what
/// Stripe refunded beyond the steps before it: the id is the lock, so two deliveries racing to book the same step book it
/// once (the loser's append conflicts and it reads the steps again), and a replay finds the step booked.
/// </summary>
public static class RefundEntries
{
    public const string IdPrefix = "refund:";

    private const string CashOutBeforeKey = "cashOutBeforeMinor";

    /// <summary>The id of the <paramref name="number"/>th refund entry of <paramref name="chargeId"/>.</summary>
    public static string Id(string chargeId, int number)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(chargeId);
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        return string.Create(CultureInfo.InvariantCulture, $"{IdPrefix}{chargeId}:{number}");
    }

    /// <summary>
    /// Cash out: credit <see cref="Accounts.CashStripe"/> by <see cref="RefundBooking.RefundedMinor"/>, debit
    /// <see cref="Accounts.ClearingRefunds"/>, which the credit note that made the refund credits (a refund no note explains
    /// stays there, as reconcile's <c>RefundWithoutCreditNote</c> does), except the part <paramref name="toCustomerCreditMinor"/>
    /// that returns what the payer overpaid: it debits <c>credit:{payer}</c>, the liability the overpayment was booked to.
    /// <paramref name="cashOutBeforeMinor"/> of the step is cash a credit note booked before 2026-12-06 already took out of
    /// <see cref="Accounts.CashStripe"/> (it credited cash, not the clearing account): the entry books only the rest, and says
    /// how much it left out as <c>cashOutBeforeMinor</c> (<see cref="CashOutBeforeOf"/>).
    /// Null when nothing new was refunded or all of it was out already (the next step carries it again), or the currency is not
    /// one the ledger books (reconcile reports the refund).
    /// </summary>
    public static LedgerEntryDraft? Refunded(RefundBooking refund, long toCustomerCreditMinor, DateTimeOffset occurredAt, long cashOutBeforeMinor = 0)
    {
        ArgumentNullException.ThrowIfNull(refund);
        ArgumentOutOfRangeException.ThrowIfNegative(toCustomerCreditMinor);
        ArgumentOutOfRangeException.ThrowIfNegative(cashOutBeforeMinor);
        long outBefore = Math.Min(cashOutBeforeMinor, Math.Max(0, refund.RefundedMinor));
        long cash = refund.RefundedMinor - outBefore;
        if (cash <= 0 || !Currency.TryFromCode(refund.Currency, out var currency))
        {
            return null;
        }

        string asset = Assets.Of(currency);
        string? payer = refund.InvoiceId is { } invoiceId ? InvoiceId.Parse(invoiceId).Payer : null;
        long toCredit = payer is null ? 0 : Math.Min(toCustomerCreditMinor, cash);
        var postings = new List<Posting> { Posting.Credit(Accounts.CashStripe, asset, cash) };
        if (toCredit > 0)
        {
            postings.Add(Posting.Debit(Accounts.CustomerCredit(payer!), asset, toCredit));
        }

        if (cash > toCredit)
        {
            postings.Add(Posting.Debit(Accounts.ClearingRefunds, asset, cash - toCredit));
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["chargeId"] = refund.ChargeId,
            ["refundNumber"] = refund.Number.ToString(CultureInfo.InvariantCulture),
            ["amountRefundedMinor"] = refund.AmountRefundedMinor.ToString(CultureInfo.InvariantCulture),
            ["refundedMinor"] = refund.RefundedMinor.ToString(CultureInfo.InvariantCulture),
            ["currency"] = asset,
            ["stripeEventId"] = refund.StripeEventId,
        };
        if (outBefore > 0)
        {
            metadata[CashOutBeforeKey] = outBefore.ToString(CultureInfo.InvariantCulture);
        }

        if (refund.InvoiceId is not null)
        {
            metadata["invoiceId"] = refund.InvoiceId;
            metadata["payer"] = payer!;
        }

        if (refund.StripeCustomerId is not null)
        {
            metadata["stripeCustomerId"] = refund.StripeCustomerId;
        }

        return new LedgerEntryDraft(Id(refund.ChargeId, refund.Number), LedgerEntryKind.PaymentRefunded, occurredAt, postings, metadata);
    }

    /// <summary>What of its step a refund entry left out of cash as taken out already by a credit note booked before 2026-12-06 (0 when none).</summary>
    public static long CashOutBeforeOf(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Kind == LedgerEntryKind.PaymentRefunded
            && entry.Metadata.TryGetValue(CashOutBeforeKey, out string? text)
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long amount) ? amount : 0;
    }

    /// <summary>What a refund entry says its step added (<c>refundedMinor</c>); null when the entry is none or does not say.</summary>
    public static long? RefundedOf(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Kind == LedgerEntryKind.PaymentRefunded
            && entry.Metadata.TryGetValue("refundedMinor", out string? text)
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long amount) ? amount : null;
    }

    /// <summary>The charge and step number a refund entry's id names (<see cref="Id"/>); null when it names none.</summary>
    public static (string ChargeId, int Number)? StepOf(string entryId)
    {
        ArgumentNullException.ThrowIfNull(entryId);
        int colon = entryId.LastIndexOf(':');
        return entryId.StartsWith(IdPrefix, StringComparison.Ordinal) && colon > IdPrefix.Length
            && int.TryParse(entryId.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int number) && number >= 1
            && Id(entryId[IdPrefix.Length..colon], number) == entryId
            ? (entryId[IdPrefix.Length..colon], number) : null;
    }

    /// <summary>
    /// The cumulative amount a charge's next step counts from: that of the latest step (highest number) whose amount is at
    /// most <paramref name="recordedMinor"/>, what the charge's row records Stripe reported (0 when none is), and that is indexed
    /// where the burn holds of the row's invoice look (<see cref="IsUnderRow"/>). A step above it was never reported by Stripe
    /// (written outside the platform, or the row was lowered: reconcile's <c>RefundRowMissing</c>), so it neither stops a real
    /// refund from being booked nor counts as refunded; the latest one, not the largest, so that a planted step the row later
    /// reaches still does not count (reconcile reports it off the chain of steps). A step under neither the row's invoice nor
    /// its customer does not count either: counted, it would take that much of the next real step out of the invoice's index,
    /// where the holds would not see it (reconcile reports it).
    /// </summary>
    /// <param name="steps">The charge's refund entries, any order.</param>
    /// <param name="recordedMinor">The charge's cumulative amount as its row records it.</param>
    /// <param name="invoiceId">The invoice the row places the charge under, when it is an id of ours (a step names it only then).</param>
    /// <param name="stripeCustomerId">The row's Stripe customer.</param>
    public static long BaseOf(IEnumerable<LedgerEntry> steps, long recordedMinor, string? invoiceId, string? stripeCustomerId)
    {
        ArgumentNullException.ThrowIfNull(steps);
        return steps
            .Where(e => IsUnderRow(e, invoiceId, stripeCustomerId))
            .Select(e => (Step: StepOf(e.EntryId), Amount: AmountRefundedOf(e)))
            .Where(s => s.Step is not null && s.Amount is { } amount && amount <= recordedMinor)
            .OrderByDescending(s => s.Step!.Value.Number)
            .Select(s => s.Amount!.Value)
            .FirstOrDefault();
    }

    /// <summary>
    /// Whether a refund step is indexed where the burn holds of its charge's row look (<see cref="LedgerIndex.SubjectOf"/>):
    /// under the row's invoice, or under the row's Stripe customer (a step booked before the refund was placed under its
    /// invoice; the holds read the index of each customer who paid the invoice), or, for a row that names neither, under
    /// nothing, as every step of such a row is. The platform books each step under the row's invoice, or under its customer while
    /// it has none, so any other step was written outside it: one under no subject, or another's, hides what it claims from
    /// the holds of the invoice the row names.
    /// </summary>
    /// <param name="step">A refund entry of the charge.</param>
    /// <param name="invoiceId">The row's invoice, when it is an id of ours.</param>
    /// <param name="stripeCustomerId">The row's Stripe customer.</param>
    public static bool IsUnderRow(LedgerEntry step, string? invoiceId, string? stripeCustomerId)
    {
        ArgumentNullException.ThrowIfNull(step);
        return LedgerIndex.SubjectOf(step.Kind, step.Metadata) is { } subject
            ? (invoiceId is not null && subject == LedgerIndex.Invoice(invoiceId)) || (stripeCustomerId is not null && subject == LedgerIndex.Customer(stripeCustomerId))
            : invoiceId is null && stripeCustomerId is null;
    }

    /// <summary>The cumulative amount a refund entry brought its charge to; null when the entry is none or does not say.</summary>
    public static long? AmountRefundedOf(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Kind == LedgerEntryKind.PaymentRefunded
            && entry.Metadata.TryGetValue("amountRefundedMinor", out string? text)
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long amount) ? amount : null;
    }
}

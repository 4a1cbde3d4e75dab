
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
    /// most <paramref name="recordedMinor"/>, what the charge's row records Stripe reported (0 when none is). A step above it was
    /// never reported by Stripe (written outside the platform, or the row was lowered: reconcile's <c>RefundRowMissing</c>),
    /// so it neither stops a real refund from being booked nor counts as refunded; the latest one, not the largest, so that a
    /// planted step the row later reaches still does not count (reconcile reports it off the chain of steps).
    /// </summary>
    /// <param name="steps">The charge's refund entries, any order.</param>
    /// <param name="recordedMinor">The charge's cumulative amount as its row records it.</param>
    public static long BaseOf(IEnumerable<LedgerEntry> steps, long recordedMinor)
    {
        ArgumentNullException.ThrowIfNull(steps);
        return steps
            .Select(e => (Step: StepOf(e.EntryId), Amount: AmountRefundedOf(e)))
            .Where(s => s.Step is not null && s.Amount is { } amount && amount <= recordedMinor)
            .OrderByDescending(s => s.Step!.Value.Number)
            .Select(s => s.Amount!.Value)
            .FirstOrDefault();
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

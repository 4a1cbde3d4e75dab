using Billing.Domain.Burns;

namespace Billing.Domain.Ledger;

/// <summary>
/// The entries the platform writes, with deterministic ids so that a replayed caller appends nothing new:
/// <c>invoice-finalized:{invoiceId}</c>, <c>payment:{stripeEventId}</c>, <c>burn:{burnId}</c>, <c>adjustment:{id}</c>.
/// Factories return null when there is nothing to book (every amount zero).
/// </summary>
public static class LedgerEntries
{
    public const string MainBook = "main";

    public static string InvoiceFinalizedId(string invoiceId) => "invoice-finalized:" + invoiceId;

    public static string PaymentId(string stripeEventId) => "payment:" + stripeEventId;

    public static string BurnId(string burnId) => "burn:" + burnId;

    public static string AdjustmentId(string adjustmentId) => "adjustment:" + adjustmentId;

    /// <summary>
    /// A finalized (or already paid) invoice: debit <c>receivable:{payer}</c> by the total, credit revenue per line —
    /// usage lines to <c>revenue:{meter}</c>, the minimum commitment to <see cref="Accounts.RevenueMinimumCommitment"/>,
    /// prior-period adjustments to <see cref="Accounts.RevenuePriorPeriodAdjustment"/> (a negative line debits revenue).
    /// Lines of the same account are merged. Returns null when every posting would be zero (e.g. an invoice without
    /// charges); a zero total with non-zero lines (a charge offset by a credit) still books the revenue movements.
    /// Draft and void invoices throw. <paramref name="payerAudit"/>, the payer's audit chain at booking, goes into the
    /// metadata (<see cref="PartnerAuditPin"/>).
    /// </summary>
    public static LedgerEntryDraft? InvoiceFinalized(Invoice invoice, DateTimeOffset occurredAt, PartnerAuditPin? payerAudit = null)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        if (invoice.Status is not (InvoiceStatus.Finalized or InvoiceStatus.PartiallyPaid or InvoiceStatus.Paid))
        {
            throw new ArgumentException($"Invoice {invoice.Id} is {invoice.Status}; only finalized or paid invoices are booked.", nameof(invoice));
        }

        string asset = Assets.Of(invoice.Currency);
        var amounts = new Dictionary<string, long>(StringComparer.Ordinal);
        void Add(string account, long amount) => amounts[account] = checked((amounts.TryGetValue(account, out long a) ? a : 0) + amount);

        Add(Accounts.Receivable(invoice.Payer), invoice.Total.MinorUnits);
        foreach (InvoiceLine line in invoice.Lines)
        {
            string revenue = line.Kind switch
            {
                InvoiceLineKind.MinimumCommitment => Accounts.RevenueMinimumCommitment,
                InvoiceLineKind.PriorPeriodAdjustment => Accounts.RevenuePriorPeriodAdjustment,
                _ => Accounts.Revenue(line.Meter),
            };
            Add(revenue, checked(-line.Amount.MinorUnits));
        }

        var postings = amounts.Where(kv => kv.Value != 0).Select(kv => new Posting(kv.Key, asset, kv.Value)).ToList();
        if (postings.Count == 0)
        {
            return null;
        }

        string invoiceId = invoice.Id.ToString();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["invoiceId"] = invoiceId,
            ["payer"] = invoice.Payer,
            ["period"] = invoice.Period.ToString(),
            ["planId"] = invoice.PlanId,
            ["currency"] = invoice.Currency.Code,
            ["total"] = invoice.Total.MinorUnits.ToString(CultureInfo.InvariantCulture),
        };
        payerAudit?.WriteTo(metadata);
        return new LedgerEntryDraft(InvoiceFinalizedId(invoiceId), LedgerEntryKind.InvoiceFinalized, occurredAt, postings, metadata);
    }

    /// <summary>
    /// Money received through Stripe for an invoice: debit <see cref="Accounts.CashStripe"/>, credit
    /// <c>receivable:{payer}</c>, in the currency's minor units. <paramref name="currency"/> is an ISO code in any case
    /// (Stripe sends <c>usd</c>). Returns null for a zero amount; a negative amount throws.
    /// </summary>
    public static LedgerEntryDraft? PaymentReceived(string stripeEventId, string invoiceId, string payer, long amountMinor, string currency, DateTimeOffset occurredAt)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stripeEventId);
        ArgumentException.ThrowIfNullOrWhiteSpace(invoiceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(payer);
        ArgumentNullException.ThrowIfNull(currency);
        ArgumentOutOfRangeException.ThrowIfNegative(amountMinor);
        Currency code = Currency.FromCode(currency.ToUpperInvariant());
        if (amountMinor == 0)
        {
            return null;
        }

        string asset = Assets.Of(code);
        return new LedgerEntryDraft(PaymentId(stripeEventId), LedgerEntryKind.PaymentReceived, occurredAt,
            [Posting.Debit(Accounts.CashStripe, asset, amountMinor), Posting.Credit(Accounts.Receivable(payer), asset, amountMinor)],
            new Dictionary<string, string>
            {
                ["stripeEventId"] = stripeEventId,
                ["invoiceId"] = invoiceId,
                ["payer"] = payer,
                ["currency"] = code.Code,
            });
    }

    /// <summary>
    /// A payment reconciled with its invoice (see <c>PaymentApplication</c>): debit <see cref="Accounts.CashStripe"/> by the new
    /// money, credit <c>receivable:{payer}</c> with what the invoice still owed, <c>credit:{payer}</c> with any excess and
    /// <c>unapplied:{payer}</c> with money that could not be applied. Same id as <see cref="PaymentReceived(string, string, string, long, string, DateTimeOffset)"/>
    /// (one entry per Stripe event). Returns null when nothing new arrived; negative parts throw.
    /// </summary>
    public static LedgerEntryDraft? PaymentApplied(
        string stripeEventId, string invoiceId, string payer, string currency, long toReceivable, long toCredit, long toUnapplied, DateTimeOffset occurredAt)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stripeEventId);
        ArgumentException.ThrowIfNullOrWhiteSpace(invoiceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(payer);
        ArgumentNullException.ThrowIfNull(currency);
        ArgumentOutOfRangeException.ThrowIfNegative(toReceivable);
        ArgumentOutOfRangeException.ThrowIfNegative(toCredit);
        ArgumentOutOfRangeException.ThrowIfNegative(toUnapplied);
        long cash = checked(toReceivable + toCredit + toUnapplied);
        if (cash == 0)
        {
            return null;
        }

        string asset = Assets.Of(Currency.FromCode(currency.ToUpperInvariant()));

        var postings = new List<Posting> { Posting.Debit(Accounts.CashStripe, asset, cash) };
        if (toReceivable > 0)
        {
            postings.Add(Posting.Credit(Accounts.Receivable(payer), asset, toReceivable));
        }

        if (toCredit > 0)
        {
            postings.Add(Posting.Credit(Accounts.CustomerCredit(payer), asset, toCredit));
        }

        if (toUnapplied > 0)
        {
            postings.Add(Posting.Credit(Accounts.Unapplied(payer), asset, toUnapplied));
        }

        return new LedgerEntryDraft(PaymentId(stripeEventId), LedgerEntryKind.PaymentReceived, occurredAt, postings, new Dictionary<string, string>
        {
            ["stripeEventId"] = stripeEventId,
            ["invoiceId"] = invoiceId,
            ["payer"] = payer,
            ["currency"] = asset,
        });
    }

    /// <summary>
    /// Tokens destroyed on chain: debit <see cref="Accounts.BurnedToken"/>, credit <see cref="Accounts.TreasuryToken"/>,
    /// in <see cref="Assets.Token"/> base units. Amounts above <see cref="long.MaxValue"/> throw; zero returns null.
    /// </summary>
    public static LedgerEntryDraft? TokensBurned(
        string burnId,
        string invoiceId,
        ulong tokenAmount,
        string signature,
        ulong? slot,
        DateTimeOffset occurredAt,
        IReadOnlyDictionary<string, string>? extraMetadata = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(burnId);
        ArgumentException.ThrowIfNullOrWhiteSpace(invoiceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(signature);
        if (tokenAmount > long.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(tokenAmount), tokenAmount, "A token amount above 2^63-1 base units cannot be booked.");
        }

        if (tokenAmount == 0)
        {
            return null;
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (extraMetadata is not null)
        {
            foreach (var (key, value) in extraMetadata)
            {
                metadata[key] = value;
            }
        }

        metadata["burnId"] = burnId;
        metadata["invoiceId"] = invoiceId;
        metadata["signature"] = signature;
        if (slot is { } s)
        {
            metadata["slot"] = s.ToString(CultureInfo.InvariantCulture);
        }

        long amount = (long)tokenAmount;
        return new LedgerEntryDraft(BurnId(burnId), LedgerEntryKind.TokensBurned, occurredAt,
            [Posting.Debit(Accounts.BurnedToken, Assets.Token, amount), Posting.Credit(Accounts.TreasuryToken, Assets.Token, amount)],
            metadata);
    }

    /// <summary>
    /// A finalized burn intent (needs its signature); also records payer, mint and decimals, and its fiat side, hash-chained with
    /// the tokens so that neither is rewritten unnoticed: <c>usdMinor</c> and <c>currency</c> (what it converted), <c>paymentId</c>
    /// (the Stripe event that paid the invoice), <c>price</c>, <c>priceSource</c> and <c>pricePublishedAt</c> (the quote it was
    /// converted at). Entries booked before these keys existed lack them and verify as they were written.
    /// </summary>
    public static LedgerEntryDraft? TokensBurned(BurnIntent burn, DateTimeOffset occurredAt)
    {
        ArgumentNullException.ThrowIfNull(burn);
        if (string.IsNullOrEmpty(burn.Signature))
        {
            throw new ArgumentException($"Burn {burn.Id} has no signature; only landed burns are booked.", nameof(burn));
        }

        var extra = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["payer"] = burn.Payer,
            ["decimals"] = burn.Decimals.ToString(CultureInfo.InvariantCulture),
        };
        if (burn.Mint is not null)
        {
            extra["mint"] = burn.Mint;
        }

        extra["usdMinor"] = burn.UsdMinor.ToString(CultureInfo.InvariantCulture);
        AddBookable(extra, "currency", burn.Currency);
        AddBookable(extra, "paymentId", burn.PaymentId);
        if (burn.Price is { } price)
        {
            extra["price"] = price.ToString();
            AddBookable(extra, "priceSource", price.Source);
            extra["pricePublishedAt"] = price.PublishTime.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        }

        if (burn.ReleasedBy is not null)
        {
            // Finance decided what this burn converts (docs/design.md §4.18): the entry keeps who and why, and is anchored.
            extra["releasedBy"] = burn.ReleasedBy;
            extra["releasedUsdMinor"] = burn.UsdMinor.ToString(CultureInfo.InvariantCulture);
            string? note = burn.ReleaseNote is { Length: > LedgerValidation.MaxMetadataValueLength } longNote ? longNote[..LedgerValidation.MaxMetadataValueLength] : burn.ReleaseNote;
            if (note is not null && LedgerValidation.IsWellFormed(note))
            {
                extra["releaseNote"] = note; // a note that is not (a planted one) must not keep the landed burn from being booked
            }
        }

        return TokensBurned(burn.Id, burn.InvoiceId, burn.TokenAmount, burn.Signature, burn.Slot, occurredAt, extra);
    }

    /// <summary>
    /// Adds a value taken from a burn's row only when the ledger can book it: a malformed one (a planted row) must not keep the
    /// landed burn from being booked; reconcile then finds the key missing or different.
    /// </summary>
    private static void AddBookable(Dictionary<string, string> metadata, string key, string? value)
    {
        if (value is { Length: > 0 and <= LedgerValidation.MaxMetadataValueLength } && LedgerValidation.IsWellFormed(value))
        {
            metadata[key] = value;
        }
    }

    /// <summary>Any balanced correction, e.g. a write-off (debit <c>adjustment:{payer}</c>, credit <c>receivable:{payer}</c>).</summary>
    public static LedgerEntryDraft Adjustment(
        string adjustmentId,
        IEnumerable<Posting> postings,
        string reason,
        DateTimeOffset occurredAt,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(adjustmentId);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        var meta = metadata is null ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(metadata, StringComparer.Ordinal);
        meta["reason"] = reason;
        return new LedgerEntryDraft(AdjustmentId(adjustmentId), LedgerEntryKind.Adjustment, occurredAt, postings, meta);
    }
}

namespace Billing.Application.Ledger;

/// <summary>
/// <c>BurnEntryMismatch</c>: a finalized burn's ledger entry (<see cref="LedgerEntries.TokensBurned(BurnIntent, DateTimeOffset)"/>)
/// whose fiat side disagrees with its burn row, with its invoice and payment, or with its own tokens. The entry is hash-chained,
/// but its unanchored tail can be rewritten with its chain (ledger verify sees that only once anchored); this compares it with the
/// records it stands for, then with the entry its row makes (<see cref="EntryDrafts.Burn"/>: accounts, signature, slot, payer, mint,
/// price, release). Entries booked before they carried <c>usdMinor</c> are compared by tokens (<c>BurnBookedWrongAmount</c>) and
/// by the keys they carry.
/// </summary>
internal static class BurnEntryFindings
{
    /// <param name="burn">The finalized burn.</param>
    /// <param name="entry">Its ledger entry.</param>
    /// <param name="invoice">Its invoice; null when it does not exist or cannot be read (reported as such).</param>
    /// <param name="paid">The invoice's payments; null when a row of them cannot be read.</param>
    /// <param name="state">What they brought in (null: nothing recorded).</param>
    /// <param name="credits">Its credit notes; null when they cannot be read.</param>
    public static IEnumerable<AuditProblem> For(
        BurnIntent burn, LedgerEntry entry, Invoice? invoice, IReadOnlyList<PaymentRecord>? paid, InvoicePayments? state, InvoiceCredits? credits)
    {
        // Booked before entries carried the fiat side: the rest is compared, not the keys it never had.
        string? why = entry.Metadata.TryGetValue("usdMinor", out var usdText)
            ? Why(burn, entry, usdText, invoice, paid, state, credits) ?? AsItsRowBooks(burn, entry, _ => false)
            : AsItsRowBooks(burn, entry, key => !entry.Metadata.ContainsKey(key));
        if (why is not null)
        {
            yield return new("BurnEntryMismatch", burn.Id, $"ledger entry {entry.EntryId} (#{entry.Sequence}): {why}");
        }
    }

    private static string? Why(BurnIntent burn, LedgerEntry entry, string usdText, Invoice? invoice, IReadOnlyList<PaymentRecord>? paid, InvoicePayments? state, InvoiceCredits? credits)
    {
        var meta = entry.Metadata;
        if (!long.TryParse(usdText, NumberStyles.None, CultureInfo.InvariantCulture, out long usd))
        {
            return $"its usdMinor '{usdText}' is no amount";
        }

        if (usd != burn.UsdMinor)
        {
            return string.Create(CultureInfo.InvariantCulture, $"it books {usd} minor units converted, the burn row {burn.UsdMinor}");
        }

        long tokens = entry.Postings.Where(p => p.Asset == Assets.Token && p.Amount > 0).Aggregate(0L, (sum, p) => checked(sum + p.Amount));
        var (converted, problem) = Converted(meta, usd);
        if (problem is not null)
        {
            return problem;
        }

        if (converted != (ulong)tokens)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{usd} minor units at its price of {meta["price"]} USD/token convert to {converted} base units, it books {tokens}");
        }

        if (invoice is null)
        {
            return null; // BurnForUnknownInvoice or InvoiceUnreadable says it
        }

        if (meta.GetValueOrDefault("currency") != invoice.Currency.Code)
        {
            return $"it books currency '{meta.GetValueOrDefault("currency")}', invoice {invoice.Id} is in {invoice.Currency.Code}";
        }

        if (paid is not null && !paid.Any(p => p.Resolution == PaymentResolution.Applied && p.StripeEventId == meta.GetValueOrDefault("paymentId")))
        {
            return $"it names payment '{meta.GetValueOrDefault("paymentId")}', which is not recorded as applied to {invoice.Id}";
        }

        if (meta.ContainsKey("releasedBy") || paid is null || credits is null || credits.HasPrePaymentCredit)
        {
            return null; // released: what finance decided (ReleasedBurnExceedsKept compares it); with pre-payment notes: BurnAmountMismatch
        }

        long due = new InvoiceSettlement(invoice.Total.MinorUnits, state?.ReceivedMinor ?? 0, 0).DueMinor;
        return usd == due ? null : string.Create(CultureInfo.InvariantCulture, $"it books {usd} minor units converted, invoice {invoice.Id} was due {due}");
    }

    /// <summary>
    /// What the entry books otherwise than the entry its row makes (<see cref="EntryDrafts.Burn"/>, what the executor books):
    /// accounts, signature, slot, payer, mint, price, release; null when nothing.
    /// </summary>
    private static string? AsItsRowBooks(BurnIntent burn, LedgerEntry entry, Func<string, bool> skipKey)
    {
        try
        {
            return EntryDrafts.Burn(burn) is { } draft ? EntryComparison.Differences(entry, draft, "the burn row", skipKey) : "the burn row books nothing (no tokens)";
        }
        catch (Exception ex) when (ex is ArgumentException or LedgerValidationException)
        {
            return $"the burn row books nothing ({ex.Message})";
        }
    }

    /// <summary>What the entry's amount converts to at the price it books, or why that cannot be said.</summary>
    private static (ulong Converted, string? Problem) Converted(IReadOnlyDictionary<string, string> meta, long usd)
    {
        if (!meta.TryGetValue("price", out var priceText) || !int.TryParse(meta.GetValueOrDefault("decimals"), NumberStyles.None, CultureInfo.InvariantCulture, out int decimals))
        {
            return (0, "it books no price or decimals its tokens were converted at");
        }

        try
        {
            var price = PriceQuote.Parse(priceText, DateTimeOffset.MinValue, meta.GetValueOrDefault("priceSource") ?? "");
            return (TokenMath.UsdMinorToTokens(usd, price, decimals), null);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException)
        {
            return (0, $"its price '{priceText}' converts nothing ({ex.Message})");
        }
    }
}

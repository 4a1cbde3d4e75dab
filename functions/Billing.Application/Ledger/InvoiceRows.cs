namespace Billing.Application.Ledger;

/// <summary>
/// What reconcile compares of one invoice (<see cref="LedgerAudit.ReconcileAsync"/>): its row, burns, payments, credit notes and
/// refunds, as the scans read them or as a focused read of that invoice reads them again to confirm its findings.
/// </summary>
/// <param name="Invoice">The invoice.</param>
/// <param name="Burns">Its burn intents.</param>
/// <param name="BurnUnreadable">Its burn row exists but cannot be read.</param>
/// <param name="Payments">Its payment records; null when a row of its payments cannot be read.</param>
/// <param name="State">What its payments brought in (null: nothing recorded).</param>
/// <param name="Credits">Its credit notes; null when they cannot be read.</param>
/// <param name="Refunds">The charges placed under it, with what Stripe refunded on each.</param>
/// <param name="Disputes">The disputes placed under it (a lost one's cash went back, as a refund's).</param>
internal sealed record InvoiceRows(
    Invoice Invoice, IReadOnlyList<BurnIntent> Burns, bool BurnUnreadable, IReadOnlyList<PaymentRecord>? Payments, InvoicePayments? State,
    InvoiceCredits? Credits, IReadOnlyList<RefundRecord> Refunds, IReadOnlyList<DisputeRecord> Disputes)
{
    /// <summary>What the payer overpaid (<see cref="Overpayment"/>); none while its payments cannot be read.</summary>
    public Overpayment Overpaid => Payments is null ? Overpayment.None : Overpayment.Of(Invoice, State, Credits ?? InvoiceCredits.Empty);

    /// <summary>
    /// <c>BurnRowMismatch</c> and <c>ReleasedBurnExceedsKept</c> (when its payments and credit notes can be read), then
    /// <see cref="InvoiceFindings"/>.
    /// </summary>
    public IEnumerable<AuditProblem> Findings(Func<string, bool> booked, DateTimeOffset now)
    {
        var released = Credits is { } credits && Payments is not null ? ReleasedBeyondKept(credits) : [];
        return NotOfTheirInvoice().Concat(released).Concat(InvoiceFindings.For(Invoice, Burns, Payments, State, Credits, BurnUnreadable, booked, now));
    }

    /// <summary>
    /// A burn row that is not the burn of this invoice's records (<see cref="BurnSources"/>): a second burn of it, another payer
    /// or currency, a payment not applied to it. Planted or rewritten in storage; the executor holds it unsigned.
    /// </summary>
    private IEnumerable<AuditProblem> NotOfTheirInvoice()
    {
        if (Payments is null)
        {
            yield break; // a payment row cannot be read (reported as such): whether the named one was applied is unknown
        }

        foreach (var burn in Burns)
        {
            var payment = Payments.FirstOrDefault(p => string.Equals(p.StripeEventId, burn.PaymentId, StringComparison.Ordinal));
            if (BurnSources.Disagreement(burn, Invoice, payment) is { } why)
            {
                yield return new("BurnRowMismatch", burn.Id, $"{why}; {burn.Status.ToString().ToLowerInvariant()}, converting {burn.UsdMinor} minor units; the executor signs no such row");
            }
        }
    }

    /// <summary>
    /// A burn finance released that converts more than its invoice keeps now (docs/design.md §4.18): money went back after it
    /// was signed. Held ones are not converting; the executor signs them only within what is kept.
    /// </summary>
    private IEnumerable<AuditProblem> ReleasedBeyondKept(InvoiceCredits credits)
    {
        foreach (var burn in Burns.Where(b => b.ReleasedAt is not null && b.Status is not (BurnStatus.Held or BurnStatus.Skipped or BurnStatus.Failed)))
        {
            long kept = InvoiceKept.Of(Invoice.Total.MinorUnits, State?.ReceivedMinor ?? 0, credits, Refunds, Invoice.Currency.Code, Disputes);
            if (burn.UsdMinor > kept)
            {
                yield return new("ReleasedBurnExceedsKept", burn.Id, string.Create(CultureInfo.InvariantCulture,
                    $"released by {burn.ReleasedBy} at {burn.ReleasedAt:u} for {burn.UsdMinor} minor units ({burn.Status.ToString().ToLowerInvariant()}), but {Invoice.Id} keeps {kept} after its credit notes, refunds and lost disputes; a burn is never undone: settle the difference outside the platform"));
            }
        }
    }
}

namespace Billing.Functions.Http;

/// <summary>Invoices as the API shows them: whole (<see cref="InvoiceResponse"/>) or in lists (<see cref="InvoiceSummaryResponse"/>).</summary>
public static class InvoiceResponses
{
    public static InvoiceSummaryResponse Summary(Invoice invoice) => new(
        invoice.Id.ToString(),
        invoice.Payer,
        invoice.PlanId,
        Period(invoice),
        InvoiceJson.StatusName(invoice.Status),
        invoice.Currency.Code,
        invoice.Total.ToString(),
        invoice.Total.MinorUnits,
        invoice.Lines.Count,
        invoice.StripeInvoiceId);

    public static IReadOnlyList<InvoiceSummaryResponse> Summaries(IEnumerable<Invoice> invoices) => invoices.Select(Summary).ToList();

    /// <summary>
    /// The invoice with its lines and ledger links; the same members, in the same order, as the stored invoice JSON (but its
    /// <c>ratedUsage</c>, which the API does not show)
    /// (<see cref="InvoiceJson"/>), and the credit notes recorded against it (<paramref name="credits"/>), when there are any.
    /// </summary>
    public static InvoiceResponse Full(Invoice invoice, InvoiceCredits? credits = null)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        bool paidShown = InvoiceJson.ShowsPayments(invoice);
        var head = Summary(invoice); // the list form's members show the same values here
        string entryId = LedgerEntries.InvoiceFinalizedId(head.Id);
        return new InvoiceResponse(
            head.Id,
            head.Payer,
            head.Plan,
            head.Period,
            head.Status,
            head.Currency,
            invoice.Lines.Select(l => new InvoiceLineResponse(
                l.Meter, l.Description, l.Group, l.Quantity, l.Unit, l.UnitPrice.ToString(CultureInfo.InvariantCulture), l.Amount.ToString())).ToList(),
            paidShown ? invoice.AmountPaid.ToString() : null,
            paidShown ? invoice.AmountPaid.MinorUnits : null,
            paidShown ? invoice.AmountRemaining.ToString() : null,
            paidShown ? invoice.AmountRemaining.MinorUnits : null,
            head.Total,
            head.TotalMinor,
            head.StripeInvoiceId,
            new InvoiceLedgerLinks(entryId, "/api/v1/ledger/proof/" + Uri.EscapeDataString(entryId)))
        {
            PrePaymentCredited = invoice.PrePaymentCredited.IsZero ? null : invoice.PrePaymentCredited.ToString(),
            PrePaymentCreditedMinor = invoice.PrePaymentCredited.IsZero ? null : invoice.PrePaymentCredited.MinorUnits,
            Credited = credits is { Notes.Count: > 0 } ? new Money(credits.CreditedMinor, invoice.Currency).ToString() : null,
            CreditedMinor = credits is { Notes.Count: > 0 } ? credits.CreditedMinor : null,
            CreditNotes = credits is { Notes.Count: > 0 } ? [.. credits.Notes.Values.OrderBy(n => n.IssuedAt).ThenBy(n => n.CreditNoteId, StringComparer.Ordinal).Select(CreditNote)] : null,
        };
    }

    private static InvoiceCreditNoteView CreditNote(CreditNoteEntry n) => new(
        n.CreditNoteId,
        n.StripeInvoiceId,
        n.RecordedBy,
        n.Voided ? "void" : "issued",
        n.Applied,
        n.Applied ? null : n.Reason.ToString(),
        n.Currency,
        Currency.TryFromCode(n.Currency, out var c) ? new Money(n.Amounts.AmountMinor, c).ToString() : n.Amounts.AmountMinor.ToString(CultureInfo.InvariantCulture),
        n.Amounts.AmountMinor,
        n.Amounts.RefundedMinor,
        n.Amounts.CustomerBalanceMinor,
        n.Amounts.OutOfBandMinor,
        n.Amounts.PrePaymentMinor,
        Rfc3339.Format(n.IssuedAt),
        n.VoidedAt is { } at ? Rfc3339.Format(at) : null,
        n.VoidedBy);

    private static InvoicePeriodRange Period(Invoice invoice) => new(Rfc3339.Format(invoice.Period.Start), Rfc3339.Format(invoice.Period.End));
}

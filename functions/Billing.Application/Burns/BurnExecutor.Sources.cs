namespace Billing.Application.Burns;

/// <summary>
/// What a burn converts is derived, right before it is signed, from the records it stands for, never taken from its row alone
/// (a row can be planted or rewritten in storage):
/// <list type="bullet">
/// <item><b>the row must be the burn of its invoice</b> (<see cref="BurnSources"/>): its id derives from the invoice's, the invoice
/// exists, of its payer and currency, and the payment it names is recorded under it, applied; otherwise it is held, never signed;</item>
/// <item>a burn nobody released <b>converts exactly <see cref="InvoiceSettlement.BurnableMinor"/></b> of its invoice's payments and
/// pre-payment credit notes: a row saying another amount is held, unless an applied pre-payment note was ever recorded (then the
/// amount follows the settlement, <c>BurnExecutor.Credits.cs</c>); a released one converts the amount of the release that stands,
/// at most what the invoice kept;</item>
/// <item><b>the tokens follow from that amount and a quote the executor obtained itself</b> (<c>BurnExecutor.Price.cs</c>), never
/// from a stored price or token amount; a landed burn whose row no longer converts to what it burned is not booked
/// (<c>BurnExecutor.Landed.cs</c>).</item>
/// </list>
/// Reconcile reports such rows (<c>BurnRowMismatch</c>, <c>BurnForUnknownInvoice</c>, <c>BurnAmountMismatch</c>, <c>BurnExceedsInvoice</c>).
/// </summary>
public sealed partial class BurnExecutor
{
    /// <summary>
    /// Why the row is not the burn of its invoice (as a hold reason), or null with what the invoice's payments and
    /// <paramref name="credits"/> make of it. Read after the credit notes, so a payment recorded meanwhile is seen.
    /// </summary>
    private async Task<(string? Why, InvoiceSettlement Settlement)> SourcesAsync(BurnIntent intent, InvoiceCredits credits, CancellationToken cancellationToken)
    {
        var (why, invoice) = await InvoiceOfRowAsync(intent, cancellationToken).ConfigureAwait(false);
        if (why is not null)
        {
            return (why, default);
        }

        var (paid, _) = await payments.GetStateAsync(intent.InvoiceId, cancellationToken).ConfigureAwait(false);
        return (null, new InvoiceSettlement(invoice!.Total.MinorUnits, paid.ReceivedMinor, credits.PrePaymentCreditedMinor));
    }

    /// <summary>Why a released burn is not signed as its row says: it is not the burn of its invoice, or converts another amount than the release that stands.</summary>
    private async Task<string?> ReleasedRowDisagreesAsync(BurnIntent intent, CancellationToken cancellationToken)
    {
        if ((await InvoiceOfRowAsync(intent, cancellationToken).ConfigureAwait(false)).Why is { } why)
        {
            return why;
        }

        return intent.Release is { } release && release.AmountMinor != intent.UsdMinor
            ? string.Create(CultureInfo.InvariantCulture, $"held: the row converts {intent.UsdMinor} minor units, but the release that stands ({release.By}, {release.At:u}) is for {release.AmountMinor}; a row this platform did not write is not signed (ledger reconcile reports it)")
            : null;
    }

    /// <summary>
    /// What a burn nobody released converts: <see cref="InvoiceSettlement.BurnableMinor"/>, as the amount to correct the row to
    /// (null: it is right), or why it waits: the invoice is not paid (again), or the row says another amount with no pre-payment
    /// note to explain it.
    /// </summary>
    private static (string? Why, long? Amount) Burnable(BurnIntent intent, InvoiceCredits credits, InvoiceSettlement settlement)
    {
        if (!settlement.Settled)
        {
            var voided = credits.Notes.Values.Where(n => n.Applied && n.Voided && n.Amounts.PrePaymentMinor > 0).Select(n => n.CreditNoteId).ToList();
            return (voided.Count > 0
                ? string.Create(CultureInfo.InvariantCulture,
                    $"held: {intent.InvoiceId} owes {settlement.RemainingMinor} minor units again (received {settlement.ReceivedMinor}, due {settlement.DueMinor}) since pre-payment credit notes were voided ({string.Join(", ", voided)}); it is signed once the invoice is paid")
                : string.Create(CultureInfo.InvariantCulture,
                    $"held: {intent.InvoiceId} is not paid in full (received {settlement.ReceivedMinor}, due {settlement.DueMinor}), so nothing of it is burned; a burn row of an unpaid invoice was not written by this platform (ledger reconcile reports BurnBeforePaid)"),
                null);
        }

        if (settlement.BurnableMinor == intent.UsdMinor)
        {
            return (null, null);
        }

        // Pre-payment notes change what is burnable after the burn was created; nothing else does, so another amount is a planted one.
        return credits.HasPrePaymentCredit
            ? (null, settlement.BurnableMinor)
            : (string.Create(CultureInfo.InvariantCulture,
                $"held: the row converts {intent.UsdMinor} minor units, but the payments of {intent.InvoiceId} leave {settlement.BurnableMinor} to burn (what was due, received in full); a row this platform did not write is not signed: repair or remove it (ledger reconcile reports BurnAmountMismatch or BurnExceedsInvoice)"), null);
    }

    /// <summary>The row's invoice, or why the row is not the burn of its invoice's records (<see cref="BurnSources"/>), as a hold reason.</summary>
    private async Task<(string? Why, Invoice? Invoice)> InvoiceOfRowAsync(BurnIntent intent, CancellationToken cancellationToken)
    {
        Invoice? invoice;
        try
        {
            invoice = await invoices.GetAsync(InvoiceId.Parse(intent.InvoiceId), cancellationToken).ConfigureAwait(false);
        }
        catch (FormatException)
        {
            invoice = null; // no invoice of ours has that id
        }

        var payment = invoice is null ? null : await payments.GetAsync(intent.InvoiceId, intent.PaymentId, cancellationToken).ConfigureAwait(false);
        return BurnSources.Disagreement(intent, invoice, payment) is { } why
            ? ($"held: {why}; a row this platform did not write is not signed: repair or remove it (ledger reconcile reports it)", null)
            : (null, invoice);
    }
}

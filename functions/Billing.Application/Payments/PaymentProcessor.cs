namespace Billing.Application.Payments;

/// <summary>
/// Turns a verified <c>invoice.paid</c> into durable records, reconciled with the invoice before anything is burned
/// (docs/design.md §4.11, <see cref="PaymentApplication"/>). The steps, each idempotent:
/// <list type="number">
/// <item>an "unsettled" marker for the invoice (so a crash anywhere after it is repaired by <see cref="SettlePendingAsync(CancellationToken)"/>);</item>
/// <item>the decision — applied (the split between receivable and customer credit), unchanged or unapplied with a reason —
/// written with the event row and the invoice's payment state in one entity-group transaction (the dedup by event id);</item>
/// <item>settling: the ledger entry of every event of the invoice, then the one burn intent once cash and standing pre-payment
/// credit notes cover the total (<see cref="InvoiceSettlement"/>, for the cash that was due), then the invoice status (paid,
/// partially paid, or back to owing when a pre-payment note was voided) last, then the marker is removed.</item>
/// </list>
/// A replay finds its event row and only re-runs the settling, which adds nothing that exists. A credit note settles its
/// invoice through <see cref="SettleInvoiceAsync"/>, so either webhook order ends in the same state (docs/design.md §4.16).
/// </summary>
public sealed partial class PaymentProcessor(
    PaymentStore payments,
    InvoiceStore invoices,
    PartnerStore partners,
    BurnStore burns,
    CreditNoteStore credits,
    ILedgerRecorder ledger,
    LedgerStore book,
    BurnTrigger trigger,
    InvoicePaymentProcessor refundLinks,
    PaymentConfirmation confirmation,
    TimeProvider time,
    ILogger<PaymentProcessor> logger)
{
    private const int MaxAttempts = 20;

    public async Task<PaymentOutcome> RecordAsync(WebhookOutcome.PaymentReceived paid, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var synced = await invoices.FindByStripeInvoiceIdAsync(paid.StripeInvoiceId, cancellationToken).ConfigureAwait(false);
        var (invoiceId, target, metadataNames) = Target(paid, synced);
        if (await RecordedUnderAsync(paid, synced, invoiceId, cancellationToken).ConfigureAwait(false) is { } earlier)
        {
            (invoiceId, target, metadataNames) = (earlier, ParsedOrNull(earlier), null);
        }

        var marker = await payments.MarkUnsettledAsync(invoiceId, now, cancellationToken).ConfigureAwait(false);

        PaymentRecord? record = null;
        bool isNew = false;
        for (int attempt = 0; attempt < MaxAttempts && record is null; attempt++)
        {
            if (await payments.GetAsync(invoiceId, paid.StripeEventId, cancellationToken).ConfigureAwait(false) is { } existing)
            {
                LogReplay(logger, paid.StripeEventId, invoiceId);
                record = existing;
                break;
            }

            var invoice = target is { } known ? await invoices.GetAsync(known, cancellationToken).ConfigureAwait(false) : null;
            var (state, etag) = await payments.GetStateAsync(invoiceId, cancellationToken).ConfigureAwait(false);

            // The metadata names the invoice, but a copy of the Stripe invoice carries it too: whose customer paid is checked.
            string? payerCustomer = invoice is null ? null : await partners.GetStripeCustomerAsync(invoice.Payer, cancellationToken).ConfigureAwait(false);
            var decision = PaymentApplication.Decide(invoice, state, new IncomingPayment(paid.StripeEventId, paid.StripeInvoiceId, paid.Currency,
                paid.MalformedAmount is null ? paid.AmountPaidMinor : null, paid.MalformedAmount, paid.StripeCustomerId)
            {
                MetadataNames = metadataNames,
                MetadataProblem = target is null ? paid.MetadataProblem : null,
                PaidOutOfBand = paid.PaidOutOfBand,
                LivemodeMismatch = paid.LivemodeMismatch,
            }, payerCustomer);
            var candidate = new PaymentRecord(paid.StripeEventId, invoiceId, target?.Payer ?? "", paid.AmountPaidMinor, paid.Currency,
                paid.StripeInvoiceId, paid.StripeCustomerId, paid.PaymentIntentId, paid.PaidAt, now)
            {
                Resolution = decision.Resolution,
                Reason = decision.Reason,
                Detail = decision.Detail,
                AmountText = paid.MalformedAmount,
                DeltaMinor = decision.DeltaMinor,
                ToReceivableMinor = decision.ToReceivableMinor,
                ToCreditMinor = decision.ToCreditMinor,
                ToUnappliedMinor = decision.ToUnappliedMinor,
            };
            switch (await payments.TryRecordAsync(candidate, decision.State, etag, cancellationToken).ConfigureAwait(false))
            {
                case PaymentWrite.Recorded:
                    record = candidate;
                    isNew = true;
                    LogDecision(logger, paid.StripeEventId, invoiceId, decision.Resolution, decision.Detail);
                    break;
                case PaymentWrite.StateChanged:
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * (attempt + 1))), time, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }

        if (record is null)
        {
            throw new PaymentContentionException(invoiceId, MaxAttempts);
        }

        var settled = await SettleAsync(invoiceId, marker, cancellationToken).ConfigureAwait(false);
        return new PaymentOutcome(target is null ? null : invoiceId, isNew, settled.Invoice is not null, settled.BurnId, record.Resolution ?? PaymentResolution.Unapplied,
            record.Reason, record.Detail ?? "", settled.Invoice is { } i ? InvoiceJson.StatusName(i.Status) : null);
    }

    /// <summary>
    /// Which invoice a payment is decided against, and the partition it is recorded under: the invoice the platform synced the
    /// Stripe invoice to comes first (its metadata can be edited in Stripe; what the platform made cannot), with what the metadata
    /// names when that is another invoice (<see cref="IncomingPayment.MetadataNames"/>: recorded unapplied); else the invoice the
    /// metadata names; else none, under a partition of the Stripe invoice's own (recorded unapplied and reported, never dropped).
    /// </summary>
    private static (string Partition, InvoiceId? Invoice, string? MetadataNames) Target(WebhookOutcome.PaymentReceived paid, IReadOnlyCollection<string> synced)
    {
        string? named = paid.BillingInvoiceId?.ToString();
        if (named is not null && (synced.Count == 0 || synced.Contains(named, StringComparer.Ordinal)))
        {
            return (named, paid.BillingInvoiceId, null);
        }

        foreach (string id in synced.Order(StringComparer.Ordinal))
        {
            if (ParsedOrNull(id) is { } madeFor)
            {
                return (id, madeFor, named);
            }
        }

        return (UnmatchedPartition + paid.StripeInvoiceId, null, null);
    }

    /// <summary>
    /// Where else this event may have been recorded when it was first delivered, if it was: a target decides from what can
    /// change between deliveries (the platform links a Stripe invoice once it synced it, which can be after Stripe charged it;
    /// the metadata can be edited), and a redelivery recorded again elsewhere would be one payment both applied and not, under
    /// one ledger id with other postings, so that invoice could never settle. A redelivery is replayed where it was recorded.
    /// </summary>
    private async Task<string?> RecordedUnderAsync(WebhookOutcome.PaymentReceived paid, IEnumerable<string> synced, string target, CancellationToken cancellationToken)
    {
        var places = synced
            .Append(paid.BillingInvoiceId?.ToString())
            .Append(UnmatchedPartition + paid.StripeInvoiceId)
            .OfType<string>()
            .Where(p => p != target)
            .Distinct(StringComparer.Ordinal);
        foreach (string place in places)
        {
            if (await payments.GetAsync(place, paid.StripeEventId, cancellationToken).ConfigureAwait(false) is not null)
            {
                return place;
            }
        }

        return null;
    }

    /// <summary>The partition prefix of payments of Stripe invoices that are none of ours (no invoice id starts so).</summary>
    public const string UnmatchedPartition = "stripe-invoice:";

    /// <summary>
    /// Re-derives the invoice's burn intent and status from its payments and credit notes, as after a payment (a credit note
    /// changed what is due). Marked unsettled first, so a crash is finished by <see cref="SettlePendingAsync(CancellationToken)"/>.
    /// A row that cannot be read throws <see cref="InvalidDataException"/> before anything is written.
    /// </summary>
    public async Task<(Invoice? Invoice, string? BurnId)> SettleInvoiceAsync(string invoiceId, CancellationToken cancellationToken)
    {
        var marker = await payments.MarkUnsettledAsync(invoiceId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return await SettleAsync(invoiceId, marker, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Completes the effects of every invoice left with an unsettled marker older than 30 s (a crash, an outage; younger
    /// ones likely belong to a request still running). The BurnExecutor timer calls it.
    /// </summary>
    public Task<int> SettlePendingAsync(CancellationToken cancellationToken) => SettlePendingAsync(TimeSpan.FromSeconds(30), cancellationToken);

    /// <summary>The same for markers older than <paramref name="minimumAge"/>.</summary>
    public async Task<int> SettlePendingAsync(TimeSpan minimumAge, CancellationToken cancellationToken)
    {
        IReadOnlyList<(string InvoiceId, DateTimeOffset Since, Azure.ETag ETag)> pending;
        try
        {
            pending = await payments.ListUnsettledAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Azure.RequestFailedException ex)
        {
            LogSettleFailed(logger, ex, "(list)");
            return 0;
        }

        int settled = 0;
        var cutoff = time.GetUtcNow() - minimumAge;
        foreach (var (invoiceId, _, etag) in pending.Where(p => p.Since <= cutoff))
        {
            try
            {
                await SettleAsync(invoiceId, etag, cancellationToken).ConfigureAwait(false);
                settled++;
            }
            catch (InvalidDataException ex)
            {
                // A row of the invoice changed outside the platform: nothing was booked or burned for it (everything is read
                // before anything is written); it stays marked, so this is reported on every run until the row is repaired.
                LogUnreadable(logger, invoiceId, ex.Message);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSettleFailed(logger, ex, invoiceId); // one invoice never blocks the others; it stays marked and is retried
            }
        }

        return settled;
    }

    private async Task<(Invoice? Invoice, string? BurnId)> SettleAsync(string invoiceId, Azure.ETag marker, CancellationToken cancellationToken)
    {
        // Everything is read before anything is written: a row that cannot be read (InvalidDataException, naming it) stops
        // the invoice here with nothing booked, burned or changed.
        var recorded = await payments.ListAsync(invoiceId, cancellationToken).ConfigureAwait(false);
        var (state, _) = await payments.GetStateAsync(invoiceId, cancellationToken).ConfigureAwait(false);
        // Not an invoice of ours when null (a Stripe invoice's own partition): its payments are booked (unapplied) below, and nothing else can follow.
        InvoiceId? id = ParsedOrNull(invoiceId);

        var invoice = id is { } known ? await invoices.GetAsync(known, cancellationToken).ConfigureAwait(false) : null;
        // Invariant: no burn intent is created for an invoice whose burn the ledger's chain already books (it burned; its row
        // was deleted outside the platform). Reconcile reports the invoice as PaidWithoutBurn.
        bool burnBooked = invoice is not null && await ledger.IsBookedAsync(LedgerEntries.BurnId(BurnIntent.IdFor(invoiceId)), cancellationToken).ConfigureAwait(false);

        // Before a burn can be signed (here, or by the timer settling after a crash): with a payment recorded, its Stripe
        // invoice is known to be ours, so refunds on the payments invoice_payment.paid linked to it, on the payment intents its
        // payments named, and on charges naming it are placed under our invoice now and its burn's refund hold sees them. Only
        // refund rows are written; nothing of the invoice yet, so a link or refund row that cannot be read
        // (InvalidDataException) stops the invoice here too.
        // Stripe's word before any cash is booked or burned (PaymentProcessor.Confirm.cs): rows alone can be planted.
        if (await ConfirmedAsync(invoiceId, invoice, state, recorded, cancellationToken).ConfigureAwait(false) is not var (counted, bookable, askAgain))
        {
            return (invoice, null); // Stripe could not be asked: the marker stays, and the timer settles once it answers
        }

        foreach (string stripeInvoiceId in state.Sources.Keys)
        {
            var intents = recorded.Where(p => p.StripeInvoiceId == stripeInvoiceId && p.PaymentIntentId is not null).Select(p => p.PaymentIntentId!);
            await refundLinks.PlaceRefundsOfAsync(stripeInvoiceId, intents, cancellationToken).ConfigureAwait(false);
        }

        (state, recorded) = (counted, bookable);
        foreach (var payment in recorded)
        {
            await ledger.PaymentAppliedAsync(payment, cancellationToken).ConfigureAwait(false);
        }

        if (id is null)
        {
            await ClearUnsettledUnlessAskingAgainAsync(invoiceId, marker, askAgain, cancellationToken).ConfigureAwait(false);
            return (null, null);
        }

        string? burnId = null;
        if (invoice is not null && invoice.Status is InvoiceStatus.Finalized or InvoiceStatus.PartiallyPaid or InvoiceStatus.Paid)
        {
            if (state.ReceivedMinor > 0)
            {
                // A note that gives back money of a payment Stripe delivered after it waited as ExceedsPaid: decided again now.
                await ApplyWaitingNotesAsync(invoice, state.ReceivedMinor, cancellationToken).ConfigureAwait(false);
            }

            long prePayment = await PrePaymentCreditAsync(invoiceId, cancellationToken).ConfigureAwait(false);
            var settlement = new InvoiceSettlement(invoice.Total.MinorUnits, state.ReceivedMinor, prePayment);
            var applied = recorded.Where(p => p.Resolution == PaymentResolution.Applied).ToList();
            if (burnBooked)
            {
                burnId = await BookedBurnAsync(invoiceId, cancellationToken).ConfigureAwait(false);
            }
            else if (settlement.BurnableMinor > 0 && (state.CompletedBy ?? LastApplied(applied)) is { } paymentId)
            {
                // What was due in cash, once it has all arrived: never an overpayment (a customer credit), never the credited part.
                // Created once; the executor re-checks the amount against the settlement right before signing.
                var now = time.GetUtcNow();
                var (intent, created) = await burns.CreateIfAbsentAsync(new BurnIntent
                {
                    Id = BurnIntent.IdFor(invoiceId),
                    InvoiceId = invoiceId,
                    Payer = invoice.Payer,
                    PaymentId = paymentId,
                    UsdMinor = settlement.BurnableMinor,
                    Currency = invoice.Currency.Code,
                    CreatedAt = now,
                    UpdatedAt = now,
                }, cancellationToken).ConfigureAwait(false);
                burnId = intent.Id;
                if (created)
                {
                    LogIntent(logger, intent.Id, invoiceId, settlement.BurnableMinor, invoice.Currency.Code);
                }

                trigger.Signal(); // an immediate attempt; the BurnExecutor timer is the safety net
            }

            if (settlement.ReceivedMinor > 0 || state.CompletedBy is not null || prePayment > 0 || invoice.Status != InvoiceStatus.Finalized)
            {
                invoice = await ApplyToInvoiceAsync(id.Value, settlement.ReceivedMinor, cancellationToken).ConfigureAwait(false) ?? invoice;
            }
        }

        await ClearUnsettledUnlessAskingAgainAsync(invoiceId, marker, askAgain, cancellationToken).ConfigureAwait(false);
        return (invoice, burnId);
    }

    /// <summary>
    /// The invoice status follows the payments and the pre-payment credit (<see cref="Invoice.Settle"/>), guarded by the invoice's
    /// ETag. The credit notes are read after the invoice's ETag, so a void recorded meanwhile either is seen here or settles the
    /// invoice itself afterwards with a newer ETag: the last write always saw the last note.
    /// </summary>
    private async Task<Invoice?> ApplyToInvoiceAsync(InvoiceId id, long received, CancellationToken cancellationToken)
    {
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            if (await invoices.GetWithETagAsync(id, cancellationToken).ConfigureAwait(false) is not var (invoice, etag))
            {
                return null;
            }

            if (invoice.Status is not (InvoiceStatus.Finalized or InvoiceStatus.PartiallyPaid or InvoiceStatus.Paid))
            {
                return invoice;
            }

            long prePayment = await PrePaymentCreditAsync(id.ToString(), cancellationToken).ConfigureAwait(false);
            var updated = invoice.Settle(received, prePayment);
            if (ReferenceEquals(updated, invoice) || await invoices.TryReplaceAsync(updated, etag, cancellationToken).ConfigureAwait(false))
            {
                return updated;
            }
        }

        throw new PaymentContentionException(id.ToString(), MaxAttempts);
    }

    /// <summary>
    /// <see cref="CreditNoteBookings.ApplyWaitingAsync"/>; notes that cannot be read are left as they are (the executor holds the
    /// invoice's burn meanwhile, and reconcile names the row).
    /// </summary>
    private async Task ApplyWaitingNotesAsync(Invoice invoice, long receivedMinor, CancellationToken cancellationToken)
    {
        try
        {
            await CreditNoteBookings.ApplyWaitingAsync(credits, book, invoice, receivedMinor, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            LogCreditsUnreadable(logger, invoice.Id.ToString(), ex.Message);
        }
    }

    /// <summary>
    /// The standing, applied pre-payment credit of the invoice's notes; none while they cannot be read (the invoice must then be
    /// paid in full in cash, and the executor holds its burn: the conservative reading).
    /// </summary>
    private async Task<long> PrePaymentCreditAsync(string invoiceId, CancellationToken cancellationToken)
    {
        try
        {
            return (await credits.GetStateAsync(invoiceId, cancellationToken).ConfigureAwait(false)).State.PrePaymentCreditedMinor;
        }
        catch (InvalidDataException ex)
        {
            LogCreditsUnreadable(logger, invoiceId, ex.Message);
            return 0;
        }
    }

    private static InvoiceId? ParsedOrNull(string invoiceId)
    {
        try
        {
            return InvoiceId.Parse(invoiceId);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The applied payment that brought in money last: the one a burn settled by a credit note after it names.</summary>
    private static string? LastApplied(List<PaymentRecord> applied) =>
        applied.Where(p => p.DeltaMinor > 0).OrderBy(p => p.ReceivedAt).ThenBy(p => p.StripeEventId, StringComparer.Ordinal).LastOrDefault()?.StripeEventId;
}

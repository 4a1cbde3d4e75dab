namespace Billing.Functions.Tests.StripeWebhook;

/// <summary>
/// Rows the credit note, refund and <c>invoice_payment.paid</c> paths read, changed outside the platform (a value of a type the
/// platform never writes there), through the DevHost with signed events: the webhook answers 503 problem+json so Stripe
/// retries, logs an error naming the event, the row and the property, writes nothing it would decide from the row, and the
/// retry succeeds once the row is repaired. Reconcile names the row meanwhile. Invoices of 2018 (a year no other test uses).
/// </summary>
[Collection(PlatformCollections.Payments)]
public class WebhookUnreadableRowTests(PlatformFixture platform)
{
    private readonly SignedStripe webhook = new(platform);

    private BillingTables Tables => webhook.Tables;

    [Theory]
    [InlineData("201801", true)]
    [InlineData("201802", false)]
    public async Task Webhook_CreditNoteRetriedWhoseEventRowWasChanged_Answers503NamingTheRowAndChangesNothingUntilRepaired(string month, bool ours)
    {
        string id = "INV-carrier-tmo-" + month, stripeInvoice = "in_rows_" + month, eventId = "evt_cn_rows_" + month;
        if (ours)
        {
            await webhook.StoreInvoiceAsync(id, stripeInvoice, book: true);
        }

        string note = StripeTestEvents.CreditNote(eventId, "cn_rows_" + month, stripeInvoice, 234, "usd", DateTimeOffset.UtcNow, prePaymentMinor: 234);
        Assert.Equal(HttpStatusCode.OK, (await webhook.PostAsync(note)).Status);
        string partition = ours ? id : CreditNoteStore.UnmatchedPartition;
        var stored = (await Tables.Credits.GetEntityAsync<TableEntity>(partition, eventId)).Value;
        await Tables.Credits.UpdateEntityAsync(new TableEntity(partition, eventId) { ["ReceivedAt"] = "yesterday" }, Azure.ETag.All, TableUpdateMode.Merge);
        var credits = await RowsAsync(Tables.Credits, partition);
        int entries = await EntriesAsync("cn_rows_" + month);

        var (status, body) = await webhook.PostAsync(note); // Stripe's retry, e.g. after a timeout

        AssertTryAgain(status, body, eventId);
        await AssertErrorLoggedAsync(eventId, $"partition '{partition}', row '{eventId}'", "'ReceivedAt'");
        Assert.Equal(credits, await RowsAsync(Tables.Credits, partition));
        Assert.Equal(entries, await EntriesAsync("cn_rows_" + month));
        Assert.Contains(await webhook.MismatchesAsync(), m => m.StartsWith($"CreditNoteUnreadable {eventId}:", StringComparison.Ordinal) && m.Contains("'ReceivedAt'", StringComparison.Ordinal));

        // Another invoice's note is decided as ever meanwhile.
        string otherStripeInvoice = "in_rows_other_" + month;
        await webhook.StoreInvoiceAsync(OtherInvoice(month), otherStripeInvoice, book: true);
        var (otherStatus, other) = await webhook.PostAsync(StripeTestEvents.CreditNote("evt_cn_rows_other_" + month, "cn_rows_other_" + month, otherStripeInvoice, 234, "usd", DateTimeOffset.UtcNow, prePaymentMinor: 234));
        Assert.Equal((HttpStatusCode.OK, "applied"), (otherStatus, other!["resolution"]!.GetValue<string>()));

        await Tables.Credits.UpdateEntityAsync(new TableEntity(partition, eventId) { ["ReceivedAt"] = stored["ReceivedAt"] }, Azure.ETag.All, TableUpdateMode.Merge);
        var (repaired, replay) = await webhook.PostAsync(note);
        Assert.Equal((HttpStatusCode.OK, true), (repaired, replay!["replay"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task Webhook_RefundWhoseChargeRowWasChanged_Answers503AndLeavesTheRowAsItIsUntilRepaired()
    {
        // Before, the row was silently replaced by what this one event says: a late, smaller cumulative amount would have
        // stood for the charge, and reconcile no longer named the row.
        const string Charge = "ch_rows_201803", Customer = "cus_rows_201803";
        Assert.Equal(HttpStatusCode.OK, (await webhook.PostAsync(StripeTestEvents.ChargeRefunded("evt_re_rows_201803a", Charge, 1_234, 700, "usd", DateTimeOffset.UtcNow, customerId: Customer))).Status);
        var stored = (await Tables.Refunds.GetEntityAsync<TableEntity>(RefundStore.Partition, Charge)).Value;
        await Tables.Refunds.UpdateEntityAsync(new TableEntity(RefundStore.Partition, Charge) { ["At"] = "yesterday" }, Azure.ETag.All, TableUpdateMode.Merge);
        var rows = await RowsAsync(Tables.Refunds, RefundStore.Partition);
        string late = StripeTestEvents.ChargeRefunded("evt_re_rows_201803b", Charge, 1_234, 500, "usd", DateTimeOffset.UtcNow.AddMinutes(-5), customerId: Customer);

        var (status, body) = await webhook.PostAsync(late);

        AssertTryAgain(status, body, "evt_re_rows_201803b");
        await AssertErrorLoggedAsync("evt_re_rows_201803b", $"row '{Charge}'", "'At'");
        Assert.Equal(rows, await RowsAsync(Tables.Refunds, RefundStore.Partition));
        Assert.Contains(await webhook.MismatchesAsync(), m => m.StartsWith($"RefundUnreadable {Charge}:", StringComparison.Ordinal) && m.Contains("'At'", StringComparison.Ordinal));

        await Tables.Refunds.UpdateEntityAsync(new TableEntity(RefundStore.Partition, Charge) { ["At"] = stored["At"] }, Azure.ETag.All, TableUpdateMode.Merge);
        var (repaired, answer) = await webhook.PostAsync(late);
        Assert.Equal((HttpStatusCode.OK, false, 700L), (repaired, answer!["recorded"]!.GetValue<bool>(), (await Tables.Refunds.GetEntityAsync<TableEntity>(RefundStore.Partition, Charge)).Value.GetInt64("AmountRefundedMinor")));
    }

    // One payment intent paid two invoices of ours (Stripe invoices A and B), so a refund of it concerns the customer, not one
    // invoice. A row it is placed by, changed: the refunded charge's row, or the link that says the payment paid B. Before,
    // the first was passed over (200, the refund left where it was), and the second was read as no link, so the refund went
    // under invoice A alone and no longer held B's burn.
    [Theory]
    [InlineData("201804", "charge", false)]
    [InlineData("201805", "link", false)]
    [InlineData("201806", "link", true)]
    public async Task Webhook_RefundPlacementReadsAChangedRow_Answers503NamingItAndPlacesNothingUntilRepaired(string month, string changed, bool refundLast)
    {
        string idA = "INV-carrier-tmo-" + month, inA = "in_rows_a_" + month, inB = "in_rows_b_" + month, intent = "pi_rows_" + month, charge = "ch_rows_" + month;
        await webhook.StoreInvoiceAsync(idA, inA, book: true);
        await webhook.StoreInvoiceAsync(OtherInvoice(month), inB, book: true);
        string refund = StripeTestEvents.ChargeRefunded("evt_re_" + charge, charge, 2_468, 500, "usd", DateTimeOffset.UtcNow, paymentIntentId: intent, customerId: "cus_rows_" + month);
        string linkA = StripeTestEvents.InvoicePaymentPaid("evt_ip_a_" + month, "inpay_a_" + month, inA, 1_234, "usd", DateTimeOffset.UtcNow, intent);
        string linkB = StripeTestEvents.InvoicePaymentPaid("evt_ip_b_" + month, "inpay_b_" + month, inB, 1_234, "usd", DateTimeOffset.UtcNow, intent);
        foreach (string earlier in refundLast ? [linkB, linkA] : changed == "link" ? new[] { refund, linkB } : [refund])
        {
            Assert.Equal(HttpStatusCode.OK, (await webhook.PostAsync(earlier)).Status);
        }

        var (partition, row, property, value) = changed == "charge"
            ? (RefundStore.Partition, charge, "At", (object)"yesterday")
            : (InvoicePaymentLinkStore.Partition, TableKey.Join(intent, inB), "StripeInvoiceId", 42);
        var stored = (await Tables.Refunds.GetEntityAsync<TableEntity>(partition, row)).Value;
        await Tables.Refunds.UpdateEntityAsync(new TableEntity(partition, row) { [property] = value }, Azure.ETag.All, TableUpdateMode.Merge);
        var before = refundLast ? null : (await Tables.Refunds.GetEntityAsync<TableEntity>(RefundStore.Partition, charge)).Value;
        string next = refundLast ? refund : linkA, nextEvent = refundLast ? "evt_re_" + charge : "evt_ip_a_" + month;

        var (status, body) = await webhook.PostAsync(next);

        AssertTryAgain(status, body, nextEvent);
        await AssertErrorLoggedAsync(nextEvent, $"row '{row}'", $"'{property}'");
        var after = (await Tables.Refunds.GetEntityAsync<TableEntity>(RefundStore.Partition, charge)).Value;
        Assert.Equal(before?.ETag ?? after.ETag, after.ETag); // placed nowhere new
        Assert.Equal(before?.GetString("InvoiceId"), after.GetString("InvoiceId")); // a refund recorded now is under no invoice: compared by customer
        string kind = changed == "charge" ? "RefundUnreadable" : "InvoicePaymentLinkUnreadable";
        Assert.Contains(await webhook.MismatchesAsync(), m => m.StartsWith($"{kind} ", StringComparison.Ordinal) && m.Contains($"'{property}'", StringComparison.Ordinal) && m.Contains(row, StringComparison.Ordinal));

        await Tables.Refunds.UpdateEntityAsync(new TableEntity(partition, row) { [property] = stored[property] }, Azure.ETag.All, TableUpdateMode.Merge);
        if (changed == "charge")
        {
            Assert.Equal(HttpStatusCode.OK, (await webhook.PostAsync(linkB)).Status);
        }

        Assert.Equal(HttpStatusCode.OK, (await webhook.PostAsync(next)).Status);
        Assert.Null((await Tables.Refunds.GetEntityAsync<TableEntity>(RefundStore.Partition, charge)).Value.GetString("InvoiceId")); // both links read: several invoices
    }

    // invoice.paid places the refunds of the payments linked to its Stripe invoice before anything of the invoice is booked or
    // burned; a link it reads there, changed, stops it (before: passed over, so those refunds were not placed under it).
    [Fact]
    public async Task Webhook_PaymentWhoseStripeInvoicesLinkWasChanged_Answers503NothingBookedOrBurnedUntilRepaired()
    {
        const string Month = "201809", Id = "INV-carrier-tmo-" + Month, StripeInvoice = "in_rows_" + Month, Intent = "pi_rows_" + Month;
        await webhook.StoreInvoiceAsync(Id, StripeInvoice, book: true);
        Assert.Equal(HttpStatusCode.OK, (await webhook.PostAsync(StripeTestEvents.InvoicePaymentPaid("evt_ip_" + Month, "inpay_" + Month, StripeInvoice, 1_234, "usd", DateTimeOffset.UtcNow, Intent))).Status);
        string row = TableKey.Join(StripeInvoice, Intent);
        await Tables.Refunds.UpdateEntityAsync(new TableEntity(InvoicePaymentLinkStore.ByStripeInvoicePartition, row) { ["PaymentId"] = 42 }, Azure.ETag.All, TableUpdateMode.Merge);
        int entries = await EntriesAsync("evt_paid_rows_" + Month);
        string paid = StripeTestEvents.InvoicePaid("evt_paid_rows_" + Month, StripeInvoice, Id, 1_234, "usd", "cus_rows_" + Month, DateTimeOffset.UtcNow);

        var (status, body) = await webhook.PostAsync(paid);

        AssertTryAgain(status, body, "evt_paid_rows_" + Month);
        await AssertErrorLoggedAsync("evt_paid_rows_" + Month, $"invoice {Id}", $"row '{row}'", "'PaymentId'");
        Assert.Equal(entries, await EntriesAsync("evt_paid_rows_" + Month));
        Assert.Empty((await webhook.GetAsync($"api/v1/burns?invoiceId={Id}")).AsArray());
        Assert.Equal("finalized", (await webhook.GetAsync($"api/v1/invoices/{Id}"))["status"]!.GetValue<string>());
        Assert.Contains(await webhook.MismatchesAsync(), m => m.StartsWith($"InvoicePaymentLinkUnreadable {InvoicePaymentLinkStore.ByStripeInvoicePartition} {row}:", StringComparison.Ordinal));

        await Tables.Refunds.UpdateEntityAsync(new TableEntity(InvoicePaymentLinkStore.ByStripeInvoicePartition, row) { ["PaymentId"] = Intent }, Azure.ETag.All, TableUpdateMode.Merge);
        var (repaired, answer) = await webhook.PostAsync(paid);
        Assert.Equal((HttpStatusCode.OK, true, "paid"), (repaired, answer!["replay"]!.GetValue<bool>(), answer["invoiceStatus"]!.GetValue<string>()));
        Assert.Equal(entries + 1, await EntriesAsync("evt_paid_rows_" + Month)); // the measure sees the payment's entry once it is booked
    }

    // A credit note state or payment state whose amounts are of the type written, but more than any sum can hold: before, the
    // sum overflowed (an unclassified 500) on the credit note path, and reconcile failed as a whole. The invoice's notes are
    // what the note is written into (503, a retry decides it once repaired); its payment state is only checked against.
    [Theory]
    [InlineData("201807", "credits")]
    [InlineData("201808", "payments")]
    public async Task Webhook_CreditNoteOnAnInvoiceWhoseStoredAmountsOverflow_NothingDecidedFromThemAndReconcileNamesTheRow(string month, string changed)
    {
        string id = "INV-carrier-tmo-" + month, stripeInvoice = "in_rows_" + month, eventId = "evt_cn_rows_" + month;
        await webhook.StoreInvoiceAsync(id, stripeInvoice, book: true);
        const long Huge = long.MaxValue / 2 + 1;
        if (changed == "credits")
        {
            string entry = $$"""{"stripeInvoiceId":"{{stripeInvoice}}","currency":"USD","amountMinor":{{Huge}},"prePaymentMinor":0,"postPaymentMinor":0,"refundedMinor":0,"outOfBandMinor":0,"applied":true,"reason":"None","issuedAt":0,"recordedBy":"evt_x"}""";
            await Tables.Credits.UpsertEntityAsync(new TableEntity(id, "|state") { ["Notes"] = "{\"cn_x1\":" + entry + ",\"cn_x2\":" + entry + "}" });
        }
        else
        {
            string source = $$"""{"currency":"USD","amountMinor":{{Huge}},"applied":true}""";
            await Tables.Payments.UpsertEntityAsync(new TableEntity(id, "|state") { ["Sources"] = "{\"in_x1\":" + source + ",\"in_x2\":" + source + "}" });
        }

        var (status, body) = await webhook.PostAsync(StripeTestEvents.CreditNote(eventId, "cn_rows_" + month, stripeInvoice, 234, "usd", DateTimeOffset.UtcNow, prePaymentMinor: 234));

        if (changed == "credits")
        {
            AssertTryAgain(status, body, eventId);
        }
        else
        {
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(("unapplied", "StoredRowUnreadable"), (body!["resolution"]!.GetValue<string>(), body["reason"]!.GetValue<string>()));
        }

        string kind = changed == "credits" ? "CreditNoteStateUnreadable" : "PaymentStateUnreadable";
        Assert.Contains(await webhook.MismatchesAsync(), m => m.StartsWith($"{kind} {id}:", StringComparison.Ordinal));
    }

    // Before, the note was recorded on its own (an event row, not in the invoice's notes) and answered 200: once the row was
    // repaired the note held nothing, a resend was a replay that changed nothing, and reconcile no longer named it.
    [Fact]
    public async Task Webhook_CreditNoteWhileItsInvoicesNotesRowIsUnreadable_Answers503AndTheRetryDecidesItOnceRepaired()
    {
        const string Month = "201810", Id = "INV-carrier-tmo-" + Month, StripeInvoice = "in_rows_" + Month, EventId = "evt_cn_rows_" + Month;
        await webhook.StoreInvoiceAsync(Id, StripeInvoice, book: true);
        Assert.Equal(HttpStatusCode.OK, (await webhook.PostAsync(StripeTestEvents.CreditNote("evt_cn_rows_first_" + Month, "cn_rows_first_" + Month, StripeInvoice, 100, "usd", DateTimeOffset.UtcNow, prePaymentMinor: 100))).Status);
        var stored = (await Tables.Credits.GetEntityAsync<TableEntity>(Id, "|state")).Value;
        await Tables.Credits.UpdateEntityAsync(new TableEntity(Id, "|state") { ["Notes"] = 42 }, Azure.ETag.All, TableUpdateMode.Merge);
        var credits = await RowsAsync(Tables.Credits, Id);
        int entries = await EntriesAsync("cn_rows_" + Month);
        string note = StripeTestEvents.CreditNote(EventId, "cn_rows_" + Month, StripeInvoice, 234, "usd", DateTimeOffset.UtcNow, prePaymentMinor: 234);

        var (status, body) = await webhook.PostAsync(note);

        AssertTryAgain(status, body, EventId);
        await AssertErrorLoggedAsync(EventId, $"partition '{Id}', row '|state'", "'Notes'");
        Assert.Equal(credits, await RowsAsync(Tables.Credits, Id)); // no event row: a retry decides it
        Assert.Equal(entries, await EntriesAsync("cn_rows_" + Month));
        Assert.Contains(await webhook.MismatchesAsync(), m => m.StartsWith($"CreditNoteStateUnreadable {Id}:", StringComparison.Ordinal));

        await Tables.Credits.UpdateEntityAsync(new TableEntity(Id, "|state") { ["Notes"] = stored["Notes"] }, Azure.ETag.All, TableUpdateMode.Merge);
        var (repaired, answer) = await webhook.PostAsync(note); // Stripe's retry

        Assert.Equal((HttpStatusCode.OK, false, "applied"), (repaired, answer!["replay"]!.GetValue<bool>(), answer["resolution"]!.GetValue<string>()));
        var invoice = await webhook.GetAsync($"api/v1/invoices/{Id}");
        Assert.Equal(334, invoice["creditedMinor"]!.GetValue<long>());
        Assert.Equal(entries + 1, await EntriesAsync("cn_rows_" + Month)); // the measure sees the note's entry once it is booked
        Assert.DoesNotContain(await webhook.MismatchesAsync(), m => m.Contains(Id, StringComparison.Ordinal) || m.Contains("cn_rows_" + Month, StringComparison.Ordinal));
    }

    /// <summary>An invoice of 2017 in the same month: another invoice of the same payer, which no other test uses.</summary>
    private static string OtherInvoice(string month) => "INV-carrier-tmo-2017" + month[4..];

    private static void AssertTryAgain(HttpStatusCode status, JsonNode? body, string eventId)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal(503, body!["status"]!.GetValue<int>());
        Assert.Equal($"event {eventId} could not be recorded completely right now; it is safe to resend", body["detail"]!.GetValue<string>());
        Assert.Equal(Billing.Contracts.Problems.ApiProblem.StorageIntegrityType, body["type"]!.GetValue<string>()); // before: …/problems/503, as for an outage
    }

    /// <summary>
    /// The webhook's own error line (not the catch-all's "failed unexpectedly") names the event, the row and the property. The
    /// app's console reaches the log a moment after the answer, so it is awaited.
    /// </summary>
    private async Task AssertErrorLoggedAsync(string eventId, params string[] parts)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        string[] logs;
        int at;
        while (true)
        {
            lock (platform.Logs)
            {
                logs = [.. platform.Logs];
            }

            at = Array.FindLastIndex(logs, l => l.Contains($"Stripe event {eventId} (", StringComparison.Ordinal) && parts.All(p => l.Contains(p, StringComparison.Ordinal)));
            if (at > 0 || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(200);
        }

        Assert.True(at > 0, $"no log line names {eventId} and {string.Join(", ", parts)}:\n{string.Join('\n', logs.TakeLast(20))}");
        Assert.Contains("fail: Billing.Functions.StripeWebhook.StripeWebhookFunction", logs[at - 1], StringComparison.Ordinal);
    }

    /// <summary>The rows of a partition with their ETags: equal before and after means nothing was written there.</summary>
    private static async Task<List<string>> RowsAsync(TableClient table, string partition)
    {
        var rows = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}")))
        {
            rows.Add($"{row.RowKey} {row.ETag}");
        }

        return rows;
    }

    /// <summary>
    /// The ledger entries whose id names <paramref name="subject"/> (a credit note's, a payment event's), over every page: the
    /// platform's timers book burns and anchors of other tests meanwhile, so the whole book's count is no measure.
    /// </summary>
    private async Task<int> EntriesAsync(string subject)
    {
        int count = 0;
        for (long? from = 1; from is { } next;)
        {
            var page = await webhook.GetAsync($"api/v1/ledger/entries?from={next}&limit=1000");
            count += page["entries"]!.AsArray().Count(e => e!["entryId"]!.GetValue<string>().Contains(subject, StringComparison.Ordinal));
            from = page["next"]?.GetValue<long>();
        }

        return count;
    }
}

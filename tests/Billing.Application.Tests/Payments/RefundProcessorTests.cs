namespace Billing.Application.Tests.Payments;

/// <summary>
/// Stripe's <c>charge.refunded</c> on Azurite: recorded under the invoice the charge paid, compared by reconcile with the
/// credit notes in whichever order they arrive; only the cash that went out is booked (<see cref="RefundBookingsTests"/>).
/// </summary>
[Collection(AzuriteCollection.Name)]
public class RefundProcessorTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A <c>charge.refunded</c> Stripe created <paramref name="minute"/> minutes after <see cref="T0"/>.</summary>
    private static IncomingRefund Refund(string charge, long refunded, string? stripeInvoice, string? intent = null, string? customer = null, string? problem = null, int minute = 0) =>
        new("evt_" + Guid.NewGuid().ToString("N"), charge, intent, stripeInvoice, customer, refunded, "USD", T0.AddMinutes(minute), problem);

    private static async Task<(CreditNoteSetup Setup, RefundProcessor Refunds)> NewAsync(AzuriteFixture azurite)
    {
        var s = await CreditNoteSetup.NewAsync(azurite);
        var refunds = new RefundStore(s.Tables);
        return (s, s.RefundProcessor());
    }

    private static async Task<List<AuditProblem>> RefundFindingsAsync(CreditNoteSetup s) =>
        [.. (await s.ReconcileAsync()).Where(p => p.Kind.StartsWith("Refund", StringComparison.Ordinal))];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RecordAsync_RefundItsCreditNoteMade_EitherOrder_NoFinding(bool noteFirst)
    {
        var (s, refunds) = await NewAsync(azurite);
        var (invoiceId, _, stripeInvoice) = await s.PaidInvoiceAsync();
        var note = CreditNoteSetup.Note(stripeInvoice, 3_000);

        if (noteFirst)
        {
            await s.Credits.RecordAsync(note, Ct);
        }

        Assert.Equal((invoiceId, true), await refunds.RecordAsync(Refund("ch_1", 3_000, stripeInvoice), Ct));
        if (!noteFirst)
        {
            Assert.Equal("RefundWithoutCreditNote", Assert.Single(await RefundFindingsAsync(s)).Kind); // until the note arrives
            await s.Credits.RecordAsync(note, Ct);
        }

        Assert.Empty(await RefundFindingsAsync(s));
    }

    [Fact]
    public async Task RecordAsync_RefundBeyondItsCreditNotes_ReportedWithTheDifferenceAndOnlyTheCashBooked()
    {
        var (s, refunds) = await NewAsync(azurite);
        var (invoiceId, _, stripeInvoice) = await s.PaidInvoiceAsync();
        await s.Credits.RecordAsync(CreditNoteSetup.Note(stripeInvoice, 3_000), Ct);
        int entries = (await s.EntriesAsync()).Count;
        var invoice = await s.InvoiceAsync(invoiceId);

        await refunds.RecordAsync(Refund("ch_1", 5_000, stripeInvoice), Ct);

        var finding = Assert.Single(await RefundFindingsAsync(s));
        Assert.Equal(("RefundWithoutCreditNote", invoiceId), (finding.Kind, finding.Subject));
        Assert.Contains("Stripe refunded 50.00 USD on ch_1, credit notes refunded 30.00 USD of it: 20.00 USD went back outside a credit note", finding.Detail, StringComparison.Ordinal);
        Assert.Equal(LedgerEntryKind.PaymentRefunded, Assert.Single((await s.EntriesAsync()).Skip(entries)).Kind); // the cash out (RefundBookingsTests)
        var after = await s.InvoiceAsync(invoiceId);
        Assert.Equal((invoice.Status, invoice.Total, invoice.Lines.Count), (after.Status, after.Total, after.Lines.Count));
    }

    [Fact]
    public async Task RecordAsync_ChargeNamingOnlyItsPaymentIntent_MatchedThroughThePayment()
    {
        var (s, refunds) = await NewAsync(azurite);
        var (invoiceId, _, _) = await s.PaidInvoiceAsync(); // paid through pi_1

        Assert.Equal((invoiceId, true), await refunds.RecordAsync(Refund("ch_pi", 10_000, stripeInvoice: null, intent: "pi_1"), Ct));

        Assert.Contains("100.00 USD went back outside a credit note", Assert.Single(await RefundFindingsAsync(s)).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordAsync_ChargeOfNoCustomerOfOurs_ReportedUnmatched_ThenUnderItsInvoiceOnceFound()
    {
        var (s, refunds) = await NewAsync(azurite);

        Assert.Equal((null, true), await refunds.RecordAsync(Refund("ch_x", 700, "in_elsewhere", "pi_elsewhere", "cus_elsewhere"), Ct));

        var unmatched = Assert.Single(await RefundFindingsAsync(s));
        Assert.Equal(("RefundUnmatched", "ch_x"), (unmatched.Kind, unmatched.Subject));
        Assert.Contains("7.00 USD refunded on a charge no invoice of this platform was found for (Stripe invoice in_elsewhere, payment intent pi_elsewhere, customer cus_elsewhere)", unmatched.Detail, StringComparison.Ordinal);

        var (invoiceId, _, stripeInvoice) = await s.PaidInvoiceAsync();
        await refunds.RecordAsync(Refund("ch_x", 700, stripeInvoice), Ct);

        var found = Assert.Single(await RefundFindingsAsync(s));
        Assert.Equal(("RefundWithoutCreditNote", invoiceId), (found.Kind, found.Subject));
    }

    // API versions from 2025: the charge names neither its invoice nor (in invoice.paid) its payment intent; its customer
    // paid our invoice, whose credit note explains 30.00 of what was refunded.
    [Theory]
    [InlineData(3_000, null)]
    [InlineData(5_000, "20.00 USD went back outside a credit note")]
    public async Task RecordAsync_ChargeLinkedOnlyByItsCustomer_ComparedWithTheCustomersCreditNotes(long refunded, string? finding)
    {
        var (s, refunds) = await NewAsync(azurite);
        var (invoiceId, _, stripeInvoice) = await s.PaidInvoiceAsync(); // paid by customer cus_1
        await s.Credits.RecordAsync(CreditNoteSetup.Note(stripeInvoice, 3_000), Ct);

        Assert.Equal((null, true), await refunds.RecordAsync(Refund("ch_basil", refunded, stripeInvoice: null, customer: "cus_1"), Ct));

        var findings = await RefundFindingsAsync(s);
        if (finding is null)
        {
            Assert.Empty(findings);
        }
        else
        {
            var only = Assert.Single(findings);
            Assert.Equal(("RefundWithoutCreditNote", $"cus_1 ({invoiceId})"), (only.Kind, only.Subject));
            Assert.Contains(finding, only.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RecordAsync_LargerAmountWhileUnmatchedThenSmallerOnceMatched_KeepsTheLargerUnderTheInvoice()
    {
        var (s, refunds) = await NewAsync(azurite);
        var (invoiceId, _, stripeInvoice) = await s.PaidInvoiceAsync();
        await refunds.RecordAsync(Refund("ch_1", 300, "in_not_yet_known", minute: 2), Ct);

        Assert.True((await refunds.RecordAsync(Refund("ch_1", 100, stripeInvoice, minute: 1), Ct)).Recorded); // the invoice is news, the amount is not
        await refunds.RecordAsync(Refund("ch_1", 200, "in_not_yet_known", minute: 3), Ct);                 // nor is this lookup's failure

        var finding = Assert.Single(await RefundFindingsAsync(s));
        Assert.Equal(("RefundWithoutCreditNote", invoiceId), (finding.Kind, finding.Subject));
        Assert.Contains("Stripe refunded 3.00 USD on ch_1", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordAsync_EarlierCumulativeAmountArrivingLate_KeepsTheLarger()
    {
        var (s, refunds) = await NewAsync(azurite);
        var (_, _, stripeInvoice) = await s.PaidInvoiceAsync();
        await refunds.RecordAsync(Refund("ch_1", 5_000, stripeInvoice), Ct);

        var (_, recorded) = await refunds.RecordAsync(Refund("ch_1", 3_000, stripeInvoice), Ct);

        Assert.False(recorded);
        Assert.Contains("Stripe refunded 50.00 USD", Assert.Single(await RefundFindingsAsync(s)).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordAsync_AmountStripeSentUnreadable_ReportedUntilALaterReadableOne_AnEarlierOneIsNoNews()
    {
        var (s, refunds) = await NewAsync(azurite);
        var (_, _, stripeInvoice) = await s.PaidInvoiceAsync();
        const string Unreadable = "amount_refunded 8.5 is not a non-negative integer of minor units";

        await refunds.RecordAsync(Refund("ch_1", 0, stripeInvoice, problem: Unreadable, minute: 5), Ct);
        Assert.Equal("RefundMalformedAmount", Assert.Single(await RefundFindingsAsync(s)).Kind);
        await refunds.RecordAsync(Refund("ch_1", 400, stripeInvoice, minute: 4), Ct); // created before the unreadable one: it still stands
        Assert.Equal(["RefundMalformedAmount", "RefundWithoutCreditNote"], (await RefundFindingsAsync(s)).Select(f => f.Kind).Order(StringComparer.Ordinal));

        await refunds.RecordAsync(Refund("ch_1", 850, stripeInvoice, minute: 6), Ct);
        Assert.Contains("Stripe refunded 8.50 USD", Assert.Single(await RefundFindingsAsync(s), f => f.Kind == "RefundWithoutCreditNote").Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(await RefundFindingsAsync(s), f => f.Kind == "RefundMalformedAmount");
        Assert.False((await refunds.RecordAsync(Refund("ch_1", 0, stripeInvoice, problem: Unreadable, minute: 5), Ct)).Recorded); // older than what stands
    }

    // Someone with storage write access plants a refund row too large to add up, on the invoice's charge and apart: it is
    // reported, the sums never overflow, and the invoice's burn is held rather than signed as if nothing was refunded.
    [Fact]
    public async Task ReconcileAndBurnHold_RefundRowPlantedBeyondAnyCharge_ReportedAndHoldsInsteadOfFailing()
    {
        var (s, refunds) = await NewAsync(azurite);
        var (invoiceId, _, stripeInvoice) = await s.PaidInvoiceAsync();
        await refunds.RecordAsync(Refund("ch_1", 100, stripeInvoice), Ct);
        await s.Tables.Refunds.UpdateEntityAsync(new TableEntity(RefundStore.Partition, "ch_1") { ["AmountRefundedMinor"] = long.MaxValue }, Azure.ETag.All, TableUpdateMode.Merge);
        await s.Tables.Refunds.AddEntityAsync(new TableEntity(RefundStore.Partition, "ch_2") { ["InvoiceId"] = invoiceId, ["AmountRefundedMinor"] = long.MaxValue, ["Currency"] = "USD", ["EventId"] = "evt_x", ["At"] = T0 });

        var findings = await RefundFindingsAsync(s);

        Assert.Equal(["ch_1", "ch_2"], findings.Where(f => f.Kind == "RefundUnreadable").Select(f => f.Subject).Order(StringComparer.Ordinal));
        Assert.Contains("AmountRefundedMinor", findings[0].Detail, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidDataException>(() => new RefundStore(s.Tables).OfInvoiceAsync(invoiceId, Ct)); // the executor holds on it
    }
}

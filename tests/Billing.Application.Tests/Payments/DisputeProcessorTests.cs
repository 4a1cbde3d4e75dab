namespace Billing.Application.Tests.Payments;

/// <summary>
/// Stripe's <c>charge.dispute.*</c> on Azurite: recorded per dispute, placed under the invoice the charge paid (also when the
/// dispute arrives before the payment), reported by reconcile while open or once lost, and never booked.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class DisputeProcessorTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Dispute <c>du_1</c> of 10.00 USD on charge <c>ch_1</c> of payment intent <paramref name="intent"/> (the one <see cref="CreditNoteSetup.Paid"/> names).</summary>
    private static IncomingDispute Dispute(string status, int minute = 0, string type = "charge.dispute.updated", string? intent = "pi_1", string? evt = null) =>
        new(evt ?? "evt_" + Guid.NewGuid().ToString("N"), type, "du_1", "ch_1", intent, 1_000, "USD", status, "fraudulent", T0.AddMinutes(minute));

    private static async Task<(CreditNoteSetup Setup, DisputeProcessor Disputes)> NewAsync(AzuriteFixture azurite)
    {
        var s = await CreditNoteSetup.NewAsync(azurite);
        var refunds = new RefundStore(s.Tables);
        return (s, new DisputeProcessor(refunds, new RefundPlacement(refunds, new InvoicePaymentLinkStore(s.Tables), s.Invoices, new PaymentStore(s.Tables))));
    }

    private static async Task<List<AuditProblem>> DisputeFindingsAsync(CreditNoteSetup s) =>
        [.. (await s.ReconcileAsync()).Where(p => p.Kind.StartsWith("Dispute", StringComparison.Ordinal))];

    [Fact]
    public async Task RecordAsync_OpenDisputeOfAPaidInvoicesCharge_PlacedReportedOpenAndNothingBooked()
    {
        var (s, disputes) = await NewAsync(azurite);
        var (invoiceId, _, _) = await s.PaidInvoiceAsync();
        int entries = (await s.EntriesAsync()).Count;

        var (dispute, recorded) = await disputes.RecordAsync(Dispute("needs_response", type: "charge.dispute.created"), Ct);

        Assert.Equal((invoiceId, "needs_response", true), (dispute.InvoiceId, dispute.Status, recorded));
        var open = Assert.Single(await DisputeFindingsAsync(s));
        Assert.Equal(("DisputeOpen", "du_1"), (open.Kind, open.Subject));
        Assert.StartsWith(invoiceId, open.Detail, StringComparison.Ordinal);
        Assert.Equal(entries, (await s.EntriesAsync()).Count);
    }

    [Fact]
    public async Task RecordAsync_LostAndRedelivered_ReportedLostOnceSayingTheBurnIsNotSignedNothingBooked()
    {
        var (s, disputes) = await NewAsync(azurite);
        var (invoiceId, _, _) = await s.PaidInvoiceAsync();
        await disputes.RecordAsync(Dispute("needs_response"), Ct);
        int entries = (await s.EntriesAsync()).Count;
        var lost = Dispute("lost", minute: 5, type: "charge.dispute.closed");

        Assert.True((await disputes.RecordAsync(lost, Ct)).Recorded);
        Assert.False((await disputes.RecordAsync(lost, Ct)).Recorded);

        var finding = Assert.Single(await DisputeFindingsAsync(s));
        Assert.Equal(("DisputeLost", "du_1"), (finding.Kind, finding.Subject));
        Assert.Contains("the burn is not signed", finding.Detail, StringComparison.Ordinal);
        Assert.Contains(BurnIntent.IdFor(invoiceId), finding.Detail, StringComparison.Ordinal);
        Assert.Equal(entries, (await s.EntriesAsync()).Count); // refunds book nothing, so neither does a lost dispute
    }

    [Theory]
    [InlineData("won")]
    [InlineData("warning_closed")]
    public async Task RecordAsync_DisputeWon_NoFinding(string status)
    {
        var (s, disputes) = await NewAsync(azurite);
        await s.PaidInvoiceAsync();
        await disputes.RecordAsync(Dispute("needs_response"), Ct);

        await disputes.RecordAsync(Dispute(status, minute: 5, type: "charge.dispute.closed"), Ct);

        Assert.Empty(await DisputeFindingsAsync(s));
    }

    [Fact]
    public async Task RecordAsync_DisputeBeforeInvoicePaid_ReportedUnplacedThenPlacedWhenThePaymentArrives()
    {
        var (s, disputes) = await NewAsync(azurite);
        var (invoiceId, payer, stripeInvoice) = await s.PaidInvoiceAsync(paidMinor: 0);

        Assert.Null((await disputes.RecordAsync(Dispute("needs_response", type: "charge.dispute.created"), Ct)).Dispute.InvoiceId);
        Assert.Equal("DisputeUnplaced", Assert.Single(await DisputeFindingsAsync(s)).Kind);

        await s.Payments.RecordAsync(CreditNoteSetup.Paid(invoiceId, stripeInvoice, 10_000, "evt_paid_" + payer), Ct);

        Assert.Equal(invoiceId, (await new RefundStore(s.Tables).Disputes.GetAsync("du_1", Ct))!.Value.Record.InvoiceId);
        Assert.Equal("DisputeOpen", Assert.Single(await DisputeFindingsAsync(s)).Kind);
    }

    [Fact]
    public async Task RecordAsync_DisputeOfAChargeOfNoInvoiceOfOurs_RecordedUnplacedAndReported()
    {
        var (s, disputes) = await NewAsync(azurite);
        await s.PaidInvoiceAsync();

        var (dispute, recorded) = await disputes.RecordAsync(Dispute("needs_response", intent: "pi_elsewhere"), Ct);

        Assert.Equal((null, true), (dispute.InvoiceId, recorded));
        var finding = Assert.Single(await DisputeFindingsAsync(s));
        Assert.Equal(("DisputeUnplaced", "du_1"), (finding.Kind, finding.Subject));
        Assert.Contains("pi_elsewhere", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordAsync_DisputeLackingFields_RecordedAndReportedMalformedAndAcknowledgeable()
    {
        var (s, disputes) = await NewAsync(azurite);
        var lacking = new IncomingDispute("evt_lacking", "charge.dispute.created", "evt_lacking", null, null, null, null, null, null, T0, "the event carries no dispute object with an id");

        Assert.True((await disputes.RecordAsync(lacking, Ct)).Recorded);

        var findings = await DisputeFindingsAsync(s);
        Assert.Equal(["DisputeMalformed evt_lacking", "DisputeUnplaced evt_lacking"], findings.Select(f => $"{f.Kind} {f.Subject}"));
        Assert.All(findings, f => Assert.True(ReconcileAcknowledgement.CanAcknowledge(f.Kind)));
    }
}

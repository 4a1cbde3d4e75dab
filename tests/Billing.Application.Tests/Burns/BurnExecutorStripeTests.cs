using Billing.Payments;

namespace Billing.Application.Tests.Burns;

/// <summary>
/// The executor asks Stripe before the row and book holds and signing (BurnExecutor.Stripe.cs), on the LiteSVM localnet with a
/// loopback Stripe double: a burn whose payment Stripe does not confirm is held, unsigned, however consistent its rows are; so
/// is one whose charge Stripe reports disputed or refunded beyond the rows; an unanswered question leaves it pending; without
/// a key against a deployment's tables it is held. A refuted burn is not asked about again on every run.
/// </summary>
public sealed class BurnExecutorStripeTests(BurnChainFixture chain) : StripeDoubleTests, IClassFixture<BurnChainFixture>
{
    private const long Amount = 12_345;
    private static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>A pending burn with its paid invoice and applied payment (PaidBurns): the rows agree; only Stripe can tell.</summary>
    private async Task<(BurnHarness H, BurnIntent Burn, string StripeInvoiceId)> PaidAsync()
    {
        var h = await BurnHarness.NewAsync(chain);
        var burn = await h.CreateIntentAsync(Amount);
        return (h, burn, "in_" + burn.PaymentId);
    }

    /// <summary>The burn is held, never signed, with a reason that says <paramref name="why"/>; returns its row.</summary>
    private static async Task<BurnIntent> AssertHeldUnsignedAsync(BurnHarness h, BurnIntent burn, string why)
    {
        var held = await h.GetAsync(burn.Id);
        Assert.Equal((BurnStatus.Held, 0), (held.Status, held.Signings));
        Assert.Contains(why, held.Reason, StringComparison.Ordinal);
        return held;
    }

    /// <summary>One run of an executor that asks this test's Stripe double before it signs.</summary>
    private Task RunAskingAsync(BurnHarness h) => h.NewExecutorAsking(StripeConfirmations.Asking(h.Tables, StripeDouble)).RunAsync(Ct);

    /// <summary>A paid burn Stripe refuted once (its invoice open, nothing paid): held after a run.</summary>
    private async Task<(BurnHarness H, BurnIntent Burn, string StripeInvoiceId)> RefutedAsync()
    {
        var (h, burn, stripeInvoiceId) = await PaidAsync();
        StripeDouble.MarkPaid(stripeInvoiceId, 0, "usd", burn.InvoiceId, status: "open");
        await RunAskingAsync(h);
        return (h, burn, stripeInvoiceId);
    }

    [Fact]
    public async Task RunAsync_StripeSaysTheInvoiceIsOpen_HeldNotSigned()
    {
        var (h, burn, stripeInvoiceId) = await PaidAsync();
        StripeDouble.MarkPaid(stripeInvoiceId, 0, "usd", burn.InvoiceId, status: "open");
        ulong supply = await h.SupplyAsync();

        await RunAskingAsync(h);
        await RunAskingAsync(h);

        var held = await h.GetAsync(burn.Id);
        Assert.Equal((BurnStatus.Held, (string?)null, 0), (held.Status, held.Signature, held.Signings)); // before: signed and burned
        Assert.Contains($"Stripe does not confirm that {stripeInvoiceId} paid {burn.InvoiceId} (NotPaid", held.Reason, StringComparison.Ordinal);
        Assert.Equal(supply, await h.SupplyAsync());
    }

    [Fact]
    public async Task RunAsync_StripeHasNoSuchInvoice_HeldNotSigned()
    {
        var (h, burn, _) = await PaidAsync();

        await RunAskingAsync(h);

        await AssertHeldUnsignedAsync(h, burn, "NoSuchInvoice");
    }

    [Fact]
    public async Task RunAsync_StripeAnswers500_StaysPendingUnsignedAndBurnsOnceStripeConfirms()
    {
        var (h, burn, stripeInvoiceId) = await PaidAsync();
        StripeDouble.MarkPaid(stripeInvoiceId, Amount, "usd", burn.InvoiceId);
        StripeDouble.FailStatus[$"/v1/invoices/{stripeInvoiceId}"] = 500;

        await RunAskingAsync(h);

        var waiting = await h.GetAsync(burn.Id);
        Assert.Equal((BurnStatus.Pending, 0), (waiting.Status, waiting.Signings)); // neither held nor signed
        Assert.Contains("Stripe could not be asked", waiting.Reason, StringComparison.Ordinal);

        StripeDouble.FailStatus.Clear();
        await RunAskingAsync(h);

        Assert.Equal(BurnStatus.Finalized, (await h.GetAsync(burn.Id)).Status);
    }

    [Fact]
    public async Task RunAsync_StripeConfirms_SignsAndFinalizes()
    {
        var (h, burn, stripeInvoiceId) = await PaidAsync();
        StripeDouble.MarkPaid(stripeInvoiceId, Amount, "usd", burn.InvoiceId);

        await RunAskingAsync(h);

        Assert.Equal(BurnStatus.Finalized, (await h.GetAsync(burn.Id)).Status);
        Assert.Equal(1_000_000_000_000UL - BurnHarness.DefaultIntentTokens, await h.BalanceAsync());
    }

    /// <summary>The paid burn, held on a reason nothing holds it on any more (as a hold lifted since leaves it): the next run makes it pending, then signs.</summary>
    private async Task<(BurnHarness H, BurnIntent Burn, string StripeInvoiceId)> HeldOnNothingAsync()
    {
        var (h, burn, stripeInvoiceId) = await PaidAsync();
        StripeDouble.MarkPaid(stripeInvoiceId, Amount, "usd", burn.InvoiceId);
        var (pending, etag) = (await h.Burns.GetAsync(burn.Id, Ct))!.Value;
        Assert.NotNull(await h.Burns.TryReplaceAsync(pending with { Status = BurnStatus.Held, Reason = "held: a hold lifted since", UpdatedAt = DateTimeOffset.UtcNow }, etag, Ct));
        return (h, burn, stripeInvoiceId);
    }

    // The memo of BurnExecutor.Stripe.cs: Stripe's confirmation of a row version carries to the version our own held → pending
    // write makes, so one drive asks once.
    [Fact]
    public async Task RunAsync_HeldBurnStripeConfirms_AskedOnceAsItGoesPendingAndSigns()
    {
        var (h, burn, stripeInvoiceId) = await HeldOnNothingAsync();

        await RunAskingAsync(h);

        Assert.Equal(BurnStatus.Finalized, (await h.GetAsync(burn.Id)).Status);
        Assert.Single(InvoiceGets(stripeInvoiceId));
    }

    // ...and only to it: a row another writer rewrote after Stripe confirmed the version before is asked about anew.
    [Fact]
    public async Task RunAsync_RowRewrittenByAnotherWriterAfterStripeConfirmed_AskedAgainBeforeSigning()
    {
        var (h, burn, stripeInvoiceId) = await HeldOnNothingAsync();
        bool rewritten = false;
        async Task RewriteOncePendingAsync()
        {
            var (row, etag) = (await h.Burns.GetAsync(burn.Id, Ct))!.Value;
            if (!rewritten && row.Status == BurnStatus.Pending)
            {
                rewritten = true; // right after our held → pending write, before the drive reads the row again
                Assert.NotNull(await h.Burns.TryReplaceAsync(row with { UpdatedAt = DateTimeOffset.UtcNow }, etag, Ct));
            }
        }

        var (tables, _) = InterleavingTables.Create(h.Tables.Options.ConnectionString!, h.Tables, $"RowKey='{burn.Id}')", RewriteOncePendingAsync, times: 100);
        await h.NewExecutorAskingOver(StripeConfirmations.Asking(h.Tables, StripeDouble), tables).RunAsync(Ct);

        Assert.True(rewritten);
        Assert.Equal(2, InvoiceGets(stripeInvoiceId).Count); // a memo keyed by anything but the row version asks once
        Assert.Equal(BurnStatus.Finalized, (await h.GetAsync(burn.Id)).Status);
    }

    [Fact]
    public async Task RunAsync_NoSecretKeyAgainstADeploymentsTables_HeldCannotConfirm()
    {
        var (h, burn, _) = await PaidAsync();

        await h.NewExecutorAsking(StripeConfirmations.New(h.Tables, new StripeOptions(), StripeConfirmations.CloudTables)).RunAsync(Ct);

        await AssertHeldUnsignedAsync(h, burn, "cannot confirm with Stripe: no secret key");
    }

    private IReadOnlyList<CapturedRequest> InvoiceGets(string stripeInvoiceId) =>
        [.. StripeDouble.Requests.Where(r => r.Method == "GET" && r.Path == $"/v1/invoices/{stripeInvoiceId}")];

    /// <summary><c>charge.dispute.created</c> as the webhook records it: a charge no invoice is found for yet, so it may be any burn's whose payment no charge is tied to.</summary>
    private static Task DisputeLandsAsync(BillingTables tables, string disputeId)
    {
        var refunds = new RefundStore(tables);
        var processor = new DisputeProcessor(refunds, new RefundPlacement(refunds, new InvoicePaymentLinkStore(tables), new InvoiceStore(tables), new PaymentStore(tables)));
        return processor.RecordAsync(new IncomingDispute("evt_" + Guid.NewGuid().ToString("N"), "charge.dispute.created", disputeId, "ch_" + disputeId, "pi_" + disputeId, 5_000, "USD", "needs_response", "fraudulent", DateTimeOffset.UtcNow), Ct);
    }

    // Before: the dispute hold ran before Stripe was asked, so a dispute recorded meanwhile was not seen and the burn was signed.
    [Fact]
    public async Task RunAsync_DisputeRecordedWhileStripeIsAsked_HeldNotSigned()
    {
        var (h, burn, stripeInvoiceId) = await PaidAsync();
        StripeDouble.MarkPaid(stripeInvoiceId, Amount, "usd", burn.InvoiceId);
        StripeDouble.OnInvoiceAsked = _ => DisputeLandsAsync(h.Tables, "du_meanwhile");
        ulong supply = await h.SupplyAsync();

        await RunAskingAsync(h);

        var held = await h.GetAsync(burn.Id);
        Assert.Equal((BurnStatus.Held, (string?)null, 0), (held.Status, held.Signature, held.Signings));
        Assert.Contains("Stripe dispute du_meanwhile", held.Reason, StringComparison.Ordinal);
        Assert.Equal(supply, await h.SupplyAsync());
    }

    // Before: only dispute rows held a burn; Stripe's own word on the charge was never read, so a deleted row lifted the hold.
    [Theory]
    [InlineData("needs_response")]
    [InlineData("lost")]
    public async Task RunAsync_StripeReportsTheChargeDisputedAndNoRowSays_HeldNamingTheDispute(string status)
    {
        var (h, burn, stripeInvoiceId) = await PaidAsync();
        StripeDouble.MarkPaid(stripeInvoiceId, Amount, "usd", burn.InvoiceId);
        StripeDouble.AddCharge(stripeInvoiceId, "ch_disputed", Amount, "usd", disputeStatus: status);

        await RunAskingAsync(h);

        var held = await AssertHeldUnsignedAsync(h, burn, "Stripe reports dispute dp_ch_disputed");
        Assert.Contains("on charge ch_disputed", held.Reason, StringComparison.Ordinal);
        Assert.Contains(InvoiceGets(stripeInvoiceId), r => r.Form.Any(f => f.Key.StartsWith("expand[", StringComparison.Ordinal) && f.Value == "payments"));
        Assert.Contains(StripeDouble.Requests, r => r.Path == "/v1/charges" && r.Field("payment_intent") == "pi_ch_disputed");
        Assert.Contains(StripeDouble.Requests, r => r.Path == "/v1/disputes" && r.Field("charge") == "ch_disputed");
    }

    [Fact]
    public async Task RunAsync_StripeReportsTheDisputeWon_SignsAndFinalizes()
    {
        var (h, burn, stripeInvoiceId) = await PaidAsync();
        StripeDouble.MarkPaid(stripeInvoiceId, Amount, "usd", burn.InvoiceId);
        StripeDouble.AddCharge(stripeInvoiceId, "ch_won", Amount, "usd", disputeStatus: "won");

        await RunAskingAsync(h);

        Assert.Equal(BurnStatus.Finalized, (await h.GetAsync(burn.Id)).Status);
    }

    // Before: a refund Stripe made whose charge.refunded had not been recorded (or whose row was deleted) held nothing.
    [Fact]
    public async Task RunAsync_StripeRefundedMoreThanTheRowsRecord_HeldNamingTheCharge()
    {
        var (h, burn, stripeInvoiceId) = await PaidAsync();
        StripeDouble.MarkPaid(stripeInvoiceId, Amount, "usd", burn.InvoiceId);
        StripeDouble.AddCharge(stripeInvoiceId, "ch_refunded", Amount, "usd", amountRefunded: 2_000);

        await RunAskingAsync(h);

        await AssertHeldUnsignedAsync(h, burn, "Stripe reports 2000 minor units of USD refunded on charge ch_refunded");
    }

    // The reason names the request Stripe did not answer and its status (before: "when asked for the charges of in_…"), and
    // stays the same while Stripe does: the row is not rewritten on every run.
    [Fact]
    public async Task RunAsync_StripeUnreachableForTheCharges_StaysPendingNamingTheRequestWrittenOnce()
    {
        var (h, burn, stripeInvoiceId) = await PaidAsync();
        StripeDouble.MarkPaid(stripeInvoiceId, Amount, "usd", burn.InvoiceId);
        StripeDouble.AddCharge(stripeInvoiceId, "ch_unasked", Amount, "usd");
        StripeDouble.FailStatus["/v1/charges"] = 429;

        await RunAskingAsync(h);
        var etag = (await h.Burns.GetAsync(burn.Id, Ct))!.Value.ETag;
        await RunAskingAsync(h);

        var (waiting, again) = (await h.Burns.GetAsync(burn.Id, Ct))!.Value;
        Assert.Equal((BurnStatus.Pending, 0, etag), (waiting.Status, waiting.Signings, again));
        Assert.Contains($"Stripe could not be asked whether {stripeInvoiceId} paid {burn.InvoiceId} (GET /v1/charges?payment_intent=pi_ch_unasked&limit=100 answered 429 (api_error))",
            waiting.Reason, StringComparison.Ordinal);
    }

    // Before: any second page left it pending for good, as "more charges than one page holds".
    [Fact]
    public async Task RunAsync_ChargesSpanPages_ReadToTheEndAndHeldOnARefundOnTheLastPage()
    {
        var (h, burn, stripeInvoiceId) = await PaidAsync();
        StripeDouble.MarkPaid(stripeInvoiceId, Amount, "usd", burn.InvoiceId);
        for (int i = 0; i < 101; i++)
        {
            StripeDouble.AddCharge(stripeInvoiceId, $"ch_{i:D3}", i == 100 ? Amount - 100 : 1, "usd", amountRefunded: i == 100 ? 2_000 : 0, paymentIntent: "pi_split");
        }

        await RunAskingAsync(h);

        await AssertHeldUnsignedAsync(h, burn, "refunded on charge ch_100");
    }

    [Fact]
    public async Task RunAsync_MoreChargesThanTenPagesHold_StaysPendingNamingTheList()
    {
        var (h, burn, stripeInvoiceId) = await PaidAsync();
        StripeDouble.MarkPaid(stripeInvoiceId, Amount, "usd", burn.InvoiceId);
        for (int i = 0; i < 1_001; i++)
        {
            StripeDouble.AddCharge(stripeInvoiceId, $"ch_{i:D4}", 1, "usd", paymentIntent: "pi_endless");
        }

        await RunAskingAsync(h);

        var waiting = await h.GetAsync(burn.Id);
        Assert.Equal((BurnStatus.Pending, 0), (waiting.Status, waiting.Signings));
        Assert.Contains("Stripe lists more than 1000 charges of payment intent pi_endless", waiting.Reason, StringComparison.Ordinal);
    }

    // Before: a refuted burn went held → pending → held on every run: two writes and a Stripe GET each time.
    [Fact]
    public async Task RunAsync_RefutedBurnRunAgain_NeitherWrittenNorAskedAgain()
    {
        var (h, burn, stripeInvoiceId) = await RefutedAsync();
        var (held, etag) = (await h.Burns.GetAsync(burn.Id, Ct))!.Value;
        Assert.Equal(BurnStatus.Held, held.Status);

        await RunAskingAsync(h);
        await RunAskingAsync(h);

        Assert.Equal(etag, (await h.Burns.GetAsync(burn.Id, Ct))!.Value.ETag);
        Assert.Single(InvoiceGets(stripeInvoiceId));
    }

    [Fact]
    public async Task RunAsync_RefutedBurnStampedInTheFuture_AskedAgainAndSigns()
    {
        var (h, burn, stripeInvoiceId) = await RefutedAsync();

        // The held row's time moved a year ahead (written outside the platform, or an instance's clock far off): the recheck
        // must not wait for it, nor a later payment be taken as older than the refutation.
        var (held, etag) = (await h.Burns.GetAsync(burn.Id, Ct))!.Value;
        Assert.Equal(BurnStatus.Held, held.Status);
        Assert.NotNull(await h.Burns.TryReplaceAsync(held with { UpdatedAt = DateTimeOffset.UtcNow.AddYears(1) }, etag, Ct));
        StripeDouble.MarkPaid(stripeInvoiceId, Amount, "usd", burn.InvoiceId);
        await RunAskingAsync(h);

        Assert.Equal(2, InvoiceGets(stripeInvoiceId).Count); // before: never asked again, held for a year
        Assert.Equal(BurnStatus.Finalized, (await h.GetAsync(burn.Id)).Status);
    }

    [Fact]
    public async Task RunAsync_RefutedThenAPaymentIsRecorded_AskedAgainAndSigns()
    {
        var (h, burn, stripeInvoiceId) = await RefutedAsync();
        Assert.Equal(BurnStatus.Held, (await h.GetAsync(burn.Id)).Status);

        // Stripe collects it, and invoice.paid arrives again (recorded as a replay would: the payment row is written anew).
        StripeDouble.MarkPaid(stripeInvoiceId, Amount, "usd", burn.InvoiceId);
        var payments = new PaymentStore(h.Tables);
        var paid = (await payments.GetAsync(burn.InvoiceId, burn.PaymentId, Ct))!;
        var (state, stateTag) = await payments.GetStateAsync(burn.InvoiceId, Ct);
        Assert.Equal(PaymentWrite.Recorded, await payments.TryRecordAsync(paid with { StripeEventId = "evt_again", DeltaMinor = 0, ReceivedAt = DateTimeOffset.UtcNow }, state, stateTag, Ct));
        await RunAskingAsync(h);

        Assert.Equal(2, InvoiceGets(stripeInvoiceId).Count);
        Assert.Equal(BurnStatus.Finalized, (await h.GetAsync(burn.Id)).Status);
    }

    [Fact]
    public async Task RunAsync_RefutedThenReleasedByFinance_AskedAgain()
    {
        var (h, burn, stripeInvoiceId) = await RefutedAsync();
        StripeDouble.MarkPaid(stripeInvoiceId, Amount, "usd", burn.InvoiceId);

        // Released without asking Stripe (no key): the executor's question is the one counted.
        Assert.Equal(BurnReleaseOutcome.Released, (await Releasers.New(h.Tables).ReleaseAsync(burn.Id, Amount, "paid by wire", "finance-ops", Ct)).Outcome);
        await RunAskingAsync(h);

        Assert.Equal(2, InvoiceGets(stripeInvoiceId).Count);
        Assert.Equal(BurnStatus.Finalized, (await h.GetAsync(burn.Id)).Status);
    }

    /// <summary>The paid burn held (as a refund or dispute leaves it), then released by finance for <paramref name="amountMinor"/>, the releaser asking this test's Stripe double.</summary>
    private async Task ReleaseAsync(BurnHarness h, BurnIntent burn, long amountMinor)
    {
        var (row, etag) = (await h.Burns.GetAsync(burn.Id, Ct))!.Value;
        if (row.Status != BurnStatus.Held)
        {
            Assert.NotNull(await h.Burns.TryReplaceAsync(row with { Status = BurnStatus.Held, Reason = "held: money went back" }, etag, Ct));
        }

        var result = await Releasers.New(h.Tables, StripeConfirmations.Asking(h.Tables, StripeDouble)).ReleaseAsync(burn.Id, amountMinor, "checked in Stripe", "finance-ops", Ct);
        Assert.Equal(BurnReleaseOutcome.Released, result.Outcome);
    }

    // Before: a released burn skipped Stripe's refund check, so a refund made after the release whose charge.refunded was lost burned.
    [Fact]
    public async Task RunAsync_ReleasedThenStripeRefundsAndTheWebhookIsLost_HeldNamingTheCharge()
    {
        var (h, burn, stripeInvoiceId) = await PaidAsync();
        StripeDouble.MarkPaid(stripeInvoiceId, Amount, "usd", burn.InvoiceId);
        await ReleaseAsync(h, burn, Amount);
        ulong supply = await h.SupplyAsync();

        StripeDouble.AddCharge(stripeInvoiceId, "ch_after", Amount, "usd", amountRefunded: 2_000);
        await RunAskingAsync(h);

        var held = await h.GetAsync(burn.Id);
        Assert.Equal((BurnStatus.Held, 0), (held.Status, held.Signings));
        Assert.Contains("Stripe reports 2000 minor units of USD refunded on charge ch_after", held.Reason, StringComparison.Ordinal);
        Assert.Contains("0 when finance-ops released the burn", held.Reason, StringComparison.Ordinal);
        Assert.Equal(supply, await h.SupplyAsync());
    }

    // The refund finance saw in the hold reason is what the release records: the burn is not held again on it.
    [Fact]
    public async Task RunAsync_ReleasedAfterStripesRefundHeldIt_RecordsWhatStripeSaidAndSigns()
    {
        var (h, burn, stripeInvoiceId) = await PaidAsync();
        StripeDouble.MarkPaid(stripeInvoiceId, Amount, "usd", burn.InvoiceId);
        StripeDouble.AddCharge(stripeInvoiceId, "ch_refunded", Amount, "usd", amountRefunded: 2_000);
        await RunAskingAsync(h);
        Assert.Contains("refunded on charge ch_refunded", (await h.GetAsync(burn.Id)).Reason, StringComparison.Ordinal);

        await ReleaseAsync(h, burn, Amount - 2_000);
        await RunAskingAsync(h);

        Assert.Equal((BurnStatus.Finalized, Amount - 2_000), ((await h.GetAsync(burn.Id)).Status, (await h.GetAsync(burn.Id)).UsdMinor));
        var entry = Assert.Single(await h.Ledger.ReadAllAsync(LedgerEntries.MainBook, Ct), e => e.Kind == LedgerEntryKind.BurnReleased);
        Assert.Equal(("2000", "Stripe and the refund rows"), (entry.Metadata["refundedMinor:ch_refunded"], entry.Metadata["refundedSeenIn"]));
    }
}

using Billing.Payments;

namespace Billing.Application.Tests.Burns;

/// <summary>
/// The executor asks Stripe right before it signs (BurnExecutor.Stripe.cs), on the LiteSVM localnet with a loopback Stripe
/// double: a burn whose payment Stripe does not confirm is held, unsigned, however consistent its rows are; an unanswered
/// question leaves it pending; without a key against a deployment's tables it is held.
/// </summary>
public sealed class BurnExecutorStripeTests(BurnChainFixture chain) : IClassFixture<BurnChainFixture>, IAsyncLifetime
{
    private const long Amount = 12_345;
    private static readonly CancellationToken Ct = CancellationToken.None;
    private StripeCaptureServer stripe = null!;

    public Task InitializeAsync()
    {
        stripe = StripeCaptureServer.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await stripe.DisposeAsync();

    /// <summary>A pending burn with its paid invoice and applied payment (PaidBurns): the rows agree; only Stripe can tell.</summary>
    private async Task<(BurnHarness H, BurnIntent Burn, string StripeInvoiceId)> PaidAsync()
    {
        var h = await BurnHarness.NewAsync(chain);
        var burn = await h.CreateIntentAsync(Amount);
        return (h, burn, "in_" + burn.PaymentId);
    }

    [Fact]
    public async Task RunAsync_StripeSaysTheInvoiceIsOpen_HeldNotSigned()
    {
        var (h, burn, stripeInvoiceId) = await PaidAsync();
        stripe.MarkPaid(stripeInvoiceId, 0, "usd", burn.InvoiceId, status: "open");
        ulong supply = await h.SupplyAsync();

        await h.NewExecutorAsking(StripeConfirmations.Asking(h.Tables, stripe)).RunAsync(Ct);
        await h.NewExecutorAsking(StripeConfirmations.Asking(h.Tables, stripe)).RunAsync(Ct);

        var held = await h.GetAsync(burn.Id);
        Assert.Equal((BurnStatus.Held, (string?)null, 0), (held.Status, held.Signature, held.Signings)); // before: signed and burned
        Assert.Contains($"Stripe does not confirm that {stripeInvoiceId} paid {burn.InvoiceId} (NotPaid", held.Reason, StringComparison.Ordinal);
        Assert.Equal(supply, await h.SupplyAsync());
    }

    [Fact]
    public async Task RunAsync_StripeHasNoSuchInvoice_HeldNotSigned()
    {
        var (h, burn, _) = await PaidAsync();

        await h.NewExecutorAsking(StripeConfirmations.Asking(h.Tables, stripe)).RunAsync(Ct);

        var held = await h.GetAsync(burn.Id);
        Assert.Equal((BurnStatus.Held, 0), (held.Status, held.Signings));
        Assert.Contains("NoSuchInvoice", held.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_StripeAnswers500_StaysPendingUnsignedAndBurnsOnceStripeConfirms()
    {
        var (h, burn, stripeInvoiceId) = await PaidAsync();
        stripe.MarkPaid(stripeInvoiceId, Amount, "usd", burn.InvoiceId);
        stripe.FailStatus[$"/v1/invoices/{stripeInvoiceId}"] = 500;

        await h.NewExecutorAsking(StripeConfirmations.Asking(h.Tables, stripe)).RunAsync(Ct);

        var waiting = await h.GetAsync(burn.Id);
        Assert.Equal((BurnStatus.Pending, 0), (waiting.Status, waiting.Signings)); // neither held nor signed
        Assert.Contains("Stripe could not be asked", waiting.Reason, StringComparison.Ordinal);

        stripe.FailStatus.Clear();
        await h.NewExecutorAsking(StripeConfirmations.Asking(h.Tables, stripe)).RunAsync(Ct);

        Assert.Equal(BurnStatus.Finalized, (await h.GetAsync(burn.Id)).Status);
    }

    [Fact]
    public async Task RunAsync_StripeConfirms_SignsAndFinalizes()
    {
        var (h, burn, stripeInvoiceId) = await PaidAsync();
        stripe.MarkPaid(stripeInvoiceId, Amount, "usd", burn.InvoiceId);

        await h.NewExecutorAsking(StripeConfirmations.Asking(h.Tables, stripe)).RunAsync(Ct);

        Assert.Equal(BurnStatus.Finalized, (await h.GetAsync(burn.Id)).Status);
        Assert.Equal(1_000_000_000_000UL - BurnHarness.DefaultIntentTokens, await h.BalanceAsync());
    }

    [Fact]
    public async Task RunAsync_NoSecretKeyAgainstADeploymentsTables_HeldCannotConfirm()
    {
        var (h, burn, _) = await PaidAsync();

        await h.NewExecutorAsking(StripeConfirmations.New(h.Tables, new StripeOptions(), StripeConfirmations.CloudTables)).RunAsync(Ct);

        var held = await h.GetAsync(burn.Id);
        Assert.Equal((BurnStatus.Held, 0), (held.Status, held.Signings));
        Assert.Contains("cannot confirm with Stripe: no secret key", held.Reason, StringComparison.Ordinal);
    }
}

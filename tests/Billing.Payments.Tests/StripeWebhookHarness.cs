using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Billing.Payments.Tests;

/// <summary>
/// The webhook handler as the tests drive it: configured with <paramref name="secret"/>, on a fake clock that starts at
/// <paramref name="now"/>, fed bodies signed as Stripe signs them.
/// </summary>
internal sealed class StripeWebhookHarness(string secret, DateTimeOffset now)
{
    /// <summary>The handler's clock; advance it to age a signature or to deliver again later.</summary>
    public FakeTimeProvider Time { get; } = new(now);

    /// <summary>A new handler over the secret and <see cref="Time"/>.</summary>
    public StripeWebhookHandler Handler() =>
        new(Options.Create(new StripeOptions { WebhookSecret = secret }), Time, NullLogger<StripeWebhookHandler>.Instance);

    /// <summary>The Stripe-Signature header Stripe would send for <paramref name="body"/> at the start time.</summary>
    public string SignedNow(string body) => StripeWebhookSigner.Sign(body, secret, now);

    /// <inheritdoc cref="SignedNow(string)"/>
    public string SignedNow(byte[] body) => StripeWebhookSigner.Sign(body, secret, now);

    /// <summary>What a new handler makes of <paramref name="body"/> signed at the start time.</summary>
    public WebhookOutcome Handle(string body) => Handler().Handle(body, SignedNow(body));

    /// <inheritdoc cref="Handle(string)"/>
    public WebhookOutcome Handle(byte[] body) => Handler().Handle(body, SignedNow(body));
}

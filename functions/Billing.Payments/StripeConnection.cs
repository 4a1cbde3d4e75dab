using Stripe;

namespace Billing.Payments;

/// <summary>
/// The app's one Stripe API client, built from <see cref="StripeOptions"/>: the secret key and, when set, the API base (a
/// test double). A singleton, so the invoice sync and the payment confirmation share its pooled HTTP connection. No client
/// without a secret key (local runs and most tests): nothing can then be asked of Stripe.
/// </summary>
public sealed class StripeConnection
{
    public StripeConnection(IOptions<StripeOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Value;
        if (Options.SyncEnabled)
        {
            Client = new StripeClient(
                apiKey: Options.SecretKey,
                apiBase: string.IsNullOrEmpty(Options.ApiBase) ? null : Options.ApiBase.TrimEnd('/'));
        }
    }

    public StripeOptions Options { get; }

    /// <summary>Null when no secret key is configured.</summary>
    public StripeClient? Client { get; }
}

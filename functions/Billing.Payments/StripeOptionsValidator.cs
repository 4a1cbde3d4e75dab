namespace Billing.Payments;

/// <summary>
/// Validates <see cref="StripeOptions"/> at startup so a misconfiguration fails fast with a message naming the setting,
/// instead of surfacing later as a 401 from Stripe or as every webhook being rejected. Messages never echo the secrets.
/// </summary>
public sealed class StripeOptionsValidator : IValidateOptions<StripeOptions>
{
    /// <summary>Payment terms longer than a year are almost certainly a typo (e.g. minutes or hours entered as days).</summary>
    public const int MaxDaysUntilDue = 365;

    /// <summary>Upper bound for the webhook tolerance; a longer window only widens the replay window.</summary>
    public static readonly TimeSpan MaxWebhookTolerance = TimeSpan.FromHours(1);

    private const string Prefix = StripeOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, StripeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        if (!string.IsNullOrEmpty(options.SecretKey))
        {
            string key = options.SecretKey;
            if (key.StartsWith("pk_", StringComparison.Ordinal))
            {
                failures.Add($"{Prefix}SecretKey is a publishable key (pk_…); a secret key (sk_…) or restricted key (rk_…) is required.");
            }
            else if (!key.StartsWith("sk_", StringComparison.Ordinal) && !key.StartsWith("rk_", StringComparison.Ordinal))
            {
                failures.Add($"{Prefix}SecretKey must start with 'sk_' (secret key) or 'rk_' (restricted key); leave it empty to disable Stripe sync.");
            }
            else if (HasWhitespace(key))
            {
                failures.Add($"{Prefix}SecretKey must not contain whitespace (check for a trailing newline or space).");
            }
        }

        if (string.IsNullOrWhiteSpace(options.WebhookSecret))
        {
            failures.Add($"{Prefix}WebhookSecret is required (the signing secret of the Stripe webhook endpoint, whsec_…).");
        }
        else if (!options.WebhookSecret.StartsWith("whsec_", StringComparison.Ordinal))
        {
            failures.Add($"{Prefix}WebhookSecret must start with 'whsec_' (the endpoint's signing secret, not an API key).");
        }
        else if (HasWhitespace(options.WebhookSecret))
        {
            failures.Add($"{Prefix}WebhookSecret must not contain whitespace (check for a trailing newline or space).");
        }

        if (!string.IsNullOrEmpty(options.ApiBase)
            && (!Uri.TryCreate(options.ApiBase, UriKind.Absolute, out Uri? apiBase)
                || (apiBase.Scheme != Uri.UriSchemeHttps && apiBase.Scheme != Uri.UriSchemeHttp)))
        {
            failures.Add($"{Prefix}ApiBase must be an absolute http(s) URL such as https://api.stripe.com, or empty.");
        }

        if (options.WebhookTolerance <= TimeSpan.Zero || options.WebhookTolerance > MaxWebhookTolerance)
        {
            failures.Add($"{Prefix}WebhookTolerance must be positive and at most {MaxWebhookTolerance} (default {StripeOptions.DefaultWebhookTolerance}).");
        }

        if (options.DaysUntilDue is < 1 or > MaxDaysUntilDue)
        {
            failures.Add($"{Prefix}DaysUntilDue must be between 1 and {MaxDaysUntilDue} (was {options.DaysUntilDue}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool HasWhitespace(string value)
    {
        foreach (char c in value)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Billing.Payments.Tests;

public sealed class StripeOptionsValidatorTests
{
    private const string Local = StripeOptions.LocalWebhookSecret;

    private readonly StripeOptionsValidator _validator = new();

    [Fact]
    public void Validate_Defaults_FailNamingTheWebhookSecret()
    {
        // No default secret: a deployment that leaves it out must not accept webhooks signed with the public local one.
        var options = new StripeOptions();

        Assert.True(string.IsNullOrEmpty(options.WebhookSecret));
        _validator.AssertFailsNaming(options, "Billing:Stripe:WebhookSecret", "is required");
        Assert.False(options.SyncEnabled);
        Assert.Equal(TimeSpan.FromSeconds(300), options.WebhookTolerance);
        Assert.Equal(30, options.DaysUntilDue);
    }

    [Fact]
    public void Validate_LocalWebhookSecretOnly_SucceedsWithSyncDisabled()
    {
        var options = new StripeOptions { WebhookSecret = Local };

        _validator.AssertValid(options);
        Assert.False(options.SyncEnabled);
    }

    [Theory]
    [InlineData("sk_test_abc123")]
    [InlineData("sk_live_abc123")]
    [InlineData("rk_live_abc123")]
    public void Validate_SecretOrRestrictedKey_Succeeds(string key)
    {
        var options = new StripeOptions { WebhookSecret = Local, SecretKey = key };

        _validator.AssertValid(options);
        Assert.True(options.SyncEnabled);
    }

    [Theory]
    [InlineData("pk_live_abc123", "publishable key")]
    [InlineData("whsec_abc123", "must start with 'sk_' (secret key) or 'rk_'")]
    [InlineData("abc123", "must start with 'sk_' (secret key) or 'rk_'")]
    [InlineData("sk_test_abc123\n", "must not contain whitespace")]
    public void Validate_BadSecretKey_FailsNamingTheSetting(string key, string expected)
    {
        string failure = _validator.AssertFailsNaming(new StripeOptions { WebhookSecret = Local, SecretKey = key }, "Billing:Stripe:SecretKey", expected);

        Assert.DoesNotContain(key.Trim(), failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "is required")]
    [InlineData("sk_test_abc123", "must start with 'whsec_'")]
    [InlineData("whsec_abc 123", "must not contain whitespace")]
    public void Validate_BadWebhookSecret_FailsNamingTheSetting(string secret, string expected) =>
        _validator.AssertFailsNaming(new StripeOptions { WebhookSecret = secret }, "Billing:Stripe:WebhookSecret", expected);

    [Theory]
    [InlineData("localhost:12111")]
    [InlineData("/v1")]
    [InlineData("ftp://api.stripe.com")]
    public void Validate_BadApiBase_Fails(string apiBase) =>
        _validator.AssertFailsNaming(new StripeOptions { WebhookSecret = Local, ApiBase = apiBase }, "Billing:Stripe:ApiBase", "must be an absolute http(s) URL");

    [Theory]
    [InlineData("http://127.0.0.1:12111")]
    [InlineData("https://api.stripe.com")]
    public void Validate_HttpApiBase_Succeeds(string apiBase) =>
        _validator.AssertValid(new StripeOptions { WebhookSecret = Local, ApiBase = apiBase });

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(3601)]
    public void Validate_WebhookToleranceOutOfRange_Fails(int seconds) =>
        _validator.AssertFailsNaming(new StripeOptions { WebhookSecret = Local, WebhookTolerance = TimeSpan.FromSeconds(seconds) }, "Billing:Stripe:WebhookTolerance", "must be positive");

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(366)]
    public void Validate_DaysUntilDueOutOfRange_Fails(int days) =>
        _validator.AssertFailsNaming(new StripeOptions { WebhookSecret = Local, DaysUntilDue = days }, "Billing:Stripe:DaysUntilDue", "must be between 1 and 365");

    [Fact]
    public void Validate_SeveralProblems_ReportsEach()
    {
        var options = new StripeOptions { SecretKey = "pk_x", WebhookSecret = "nope", DaysUntilDue = 0 };

        Assert.Equal(3, _validator.Failures(options).Count);
    }

    [Fact]
    public void AddStripePayments_InvalidConfiguration_FailsWhenOptionsAreResolved()
    {
        using ServiceProvider provider = ProviderFor(new()
        {
            ["Billing:Stripe:SecretKey"] = "pk_live_wrong",
            ["Billing:Stripe:WebhookSecret"] = "whsec_configured",
        });

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<StripeOptions>>().Value);
        Assert.Contains("publishable key", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddStripePayments_WebhookSecretNotConfigured_FailsWhenOptionsAreResolved()
    {
        using ServiceProvider provider = ProviderFor(new() { ["Billing:Stripe:DaysUntilDue"] = "14" });

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<StripeOptions>>().Value);
        Assert.Contains("Billing:Stripe:WebhookSecret is required", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddStripePayments_ValidConfiguration_BindsAndResolvesServices()
    {
        using ServiceProvider provider = ProviderFor(new()
        {
            ["Billing:Stripe:WebhookSecret"] = "whsec_configured",
            ["Billing:Stripe:DaysUntilDue"] = "14",
            ["Billing:Stripe:WebhookTolerance"] = "00:02:00",
        });

        StripeOptions options = provider.GetRequiredService<IOptions<StripeOptions>>().Value;
        Assert.Equal(("whsec_configured", 14, TimeSpan.FromMinutes(2)), (options.WebhookSecret, options.DaysUntilDue, options.WebhookTolerance));
        Assert.False(provider.GetRequiredService<StripeInvoiceSync>().Enabled);
        Assert.NotNull(provider.GetRequiredService<StripeWebhookHandler>());
    }

    /// <summary>The payments services as the app registers them, over <paramref name="settings"/>.</summary>
    private static ServiceProvider ProviderFor(Dictionary<string, string?> settings) =>
        new ServiceCollection().AddLogging().AddStripePayments(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).BuildServiceProvider();
}

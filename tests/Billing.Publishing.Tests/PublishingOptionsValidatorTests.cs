namespace Billing.Publishing.Tests;

public sealed class PublishingOptionsValidatorTests
{
    private const string Secret = "c2VjcmV0LWtleQ==";
    private const string ConnectionString = "Endpoint=sb://localhost;SharedAccessKeyName=send;SharedAccessKey=" + Secret + ";UseDevelopmentEmulator=true";

    private static readonly PublishingOptionsValidator Validator = new();

    [Fact]
    public void MaxPublishTimeout_IsWithinTheEnqueueDelayMeteringAllows()
    {
        // Metering allows an event this much age beyond the 35 days for the time its publish took: a longer publish
        // could land an event accepted at the edge of the window after metering refuses it.
        Assert.True(PublishingOptionsValidator.MaxPublishTimeout < Billing.Domain.Events.EventLimits.MaxEnqueueDelay);
    }

    [Fact]
    public void Validate_NamespaceWithDefaults_Succeeds()
    {
        Validator.AssertValid(new PublishingOptions { FullyQualifiedNamespace = "billing-ehns-x.servicebus.windows.net" });
    }

    [Fact]
    public void Validate_ConnectionStringWithDefaults_Succeeds()
    {
        Validator.AssertValid(new PublishingOptions { ConnectionString = ConnectionString });
    }

    [Fact]
    public void Validate_NeitherNamespaceNorConnectionString_FailsNamingBoth()
    {
        var failure = Validator.SingleFailure(new PublishingOptions());

        Assert.Contains("Billing:Publishing:FullyQualifiedNamespace", failure, StringComparison.Ordinal);
        Assert.Contains("Billing:Publishing:ConnectionString", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BothNamespaceAndConnectionString_Fails()
    {
        var failure = Validator.SingleFailure(new PublishingOptions { FullyQualifiedNamespace = "x.servicebus.windows.net", ConnectionString = ConnectionString });

        Assert.Contains("more than one is set", failure, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DevHostEndpointOnLoopback_Succeeds()
    {
        Validator.AssertValid(new PublishingOptions { DevHostEndpoint = new Uri("http://127.0.0.1:7071/") });
    }

    [Fact]
    public void Validate_DevHostEndpointWithNamespace_Fails()
    {
        var failure = Validator.SingleFailure(new PublishingOptions { FullyQualifiedNamespace = "x.servicebus.windows.net", DevHostEndpoint = new Uri("http://127.0.0.1:7071/") });

        Assert.Contains("Billing:Publishing:DevHostEndpoint", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://billing.example.com/")]
    [InlineData("https://127.0.0.1:7071/")]
    public void Validate_DevHostEndpointNotLocalHttp_Fails(string endpoint) =>
        Validator.AssertFailsNaming(new PublishingOptions { DevHostEndpoint = new Uri(endpoint) }, "Billing:Publishing:DevHostEndpoint", "loopback");

    [Theory]
    [InlineData("sb://x.servicebus.windows.net")]
    [InlineData("https://x.servicebus.windows.net/")]
    [InlineData("x.servicebus.windows.net:5671")]
    public void Validate_NamespaceWithSchemeOrPort_Fails(string value) =>
        Validator.AssertFailsNaming(new PublishingOptions { FullyQualifiedNamespace = value }, "Billing:Publishing:FullyQualifiedNamespace", "must be a host name");

    [Fact]
    public void Validate_ConnectionStringOfOneHub_FailsWithoutEchoingTheSecret()
    {
        var failure = Validator.AssertFailsNaming(new PublishingOptions { ConnectionString = ConnectionString + ";EntityPath=carrier-offload" }, "Billing:Publishing:ConnectionString", "EntityPath");

        Assert.DoesNotContain(Secret, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NotAConnectionString_Fails()
    {
        var failure = Validator.AssertFailsNaming(new PublishingOptions { ConnectionString = Secret }, "Billing:Publishing:ConnectionString", "must be");

        Assert.DoesNotContain(Secret, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BlankOrRepeatedHotPayer_FailsNamingTheIndex()
    {
        var options = new PublishingOptions { ConnectionString = ConnectionString };
        options.HotPayers.Add("carrier-tmo");
        options.HotPayers.Add(" ");
        options.HotPayers.Add("carrier-tmo");

        Assert.Equal(
            ["Billing:Publishing:HotPayers:1 is empty; list partner ids.", "Billing:Publishing:HotPayers:2 repeats 'carrier-tmo'."],
            Validator.Failures(options));
    }

    [Fact]
    public void Validate_TimeoutsAndRetriesOutOfRange_FailEach()
    {
        var failures = Validator.Failures(new PublishingOptions
        {
            ConnectionString = ConnectionString,
            TryTimeout = TimeSpan.Zero,
            MaxRetries = 11,
            PublishTimeout = TimeSpan.FromMinutes(5),
        });

        Assert.Equal(3, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Billing:Publishing:TryTimeout", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Billing:Publishing:MaxRetries", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Billing:Publishing:PublishTimeout", StringComparison.Ordinal));
    }
}

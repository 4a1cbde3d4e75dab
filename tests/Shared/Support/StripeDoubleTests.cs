namespace Billing.Tests.Shared;

/// <summary>
/// A test class with a loopback Stripe double of its own (<see cref="StripeCaptureServer"/>): started before each test, stopped
/// after it, so no test sees another's requests or answers.
/// </summary>
public abstract class StripeDoubleTests : IAsyncLifetime
{
    /// <summary>This test's Stripe double.</summary>
    protected StripeCaptureServer StripeDouble { get; private set; } = null!;

    public Task InitializeAsync()
    {
        StripeDouble = StripeCaptureServer.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await StripeDouble.DisposeAsync();
}

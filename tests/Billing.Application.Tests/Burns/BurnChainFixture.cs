namespace Billing.Application.Tests.Burns;

/// <summary>A private localnet (these tests expire blockhashes) plus Azurite, shared by the burn tests.</summary>
public sealed class BurnChainFixture : IAsyncLifetime
{
    public PrivateLocalnetFixture Localnet { get; } = new();

    public AzuriteFixture Azurite { get; } = new();

    public async Task InitializeAsync()
    {
        await Localnet.InitializeAsync();
        await Azurite.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Localnet.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}

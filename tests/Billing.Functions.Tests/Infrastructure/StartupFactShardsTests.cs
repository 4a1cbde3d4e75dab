using Microsoft.Extensions.Configuration;

namespace Billing.Functions.Tests.Infrastructure;

/// <summary>The executable's start over storage that records another fact shard count: one line naming it, and no serving.</summary>
[Collection(AzuriteCollection.Name)]
public class StartupFactShardsTests(AzuriteFixture azurite)
{
    /// <summary>Composes the app as Program.cs does over <paramref name="prefix"/>'s tables and prepares them; false, with the line in <paramref name="error"/>, when it refuses.</summary>
    private async Task<bool> StartAsync(string prefix, int shards, StringWriter error)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(StartupValidationTests.Valid())
        {
            ["Billing:Storage:ConnectionString"] = azurite.ConnectionString,
            ["Billing:Storage:TablePrefix"] = prefix,
            ["Billing:Storage:FactShards"] = shards.ToString(CultureInfo.InvariantCulture),
        });
        await using var app = BillingStartup.TryBuild(builder, error);
        Assert.NotNull(app);
        return await BillingStartup.TryInitializeAsync(app, error, CancellationToken.None);
    }

    [Fact]
    public async Task TryInitializeAsync_AnotherFactShardsThanTheFirstStart_RefusesWithOneLineNamingTheSetting()
    {
        string prefix = AzuriteFixture.UniquePrefix();
        using var error = new StringWriter();
        Assert.True(await StartAsync(prefix, 8, error));
        Assert.True(await StartAsync(prefix, 8, error));

        bool started = await StartAsync(prefix, 16, error);

        Assert.False(started);
        Assert.StartsWith("Billing.Functions cannot start: Billing:Storage:FactShards is 16, but this deployment's facts are stored in 8 shards per payer", error.ToString(), StringComparison.Ordinal);
        Assert.Single(error.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }
}

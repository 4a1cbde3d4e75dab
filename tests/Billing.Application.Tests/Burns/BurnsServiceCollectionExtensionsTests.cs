using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Billing.Application.Tests.Burns;

/// <summary>The price oracle chosen from <c>Billing:Burns</c>, and the start-up warning about a feed with no price band.</summary>
public class BurnsServiceCollectionExtensionsTests
{
    private const string PythAccount = "11111111111111111111111111111111";

    private static (IPriceOracle Oracle, ListLogger<PythPriceOracle> Log) Resolve(Dictionary<string, string?> burns, int times = 1)
    {
        var settings = burns.ToDictionary(kv => "Billing:Burns:" + kv.Key, kv => kv.Value);
        var log = new ListLogger<PythPriceOracle>();
        var services = new ServiceCollection().AddSingleton<ILogger<PythPriceOracle>>(log);
        services.AddBurns(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        using var provider = services.BuildServiceProvider();
        IPriceOracle oracle = null!;
        for (int i = 0; i < times; i++)
        {
            oracle = provider.GetRequiredService<IPriceOracle>();
        }

        return (oracle, log);
    }

    [Theory]
    [InlineData(null, null, "Billing:Burns:MinTokenPriceUsd and Billing:Burns:MaxTokenPriceUsd")]
    [InlineData("", "", "Billing:Burns:MinTokenPriceUsd and Billing:Burns:MaxTokenPriceUsd")]
    [InlineData(null, "10.00", "without Billing:Burns:MinTokenPriceUsd:")]
    [InlineData("1.00", null, "without Billing:Burns:MaxTokenPriceUsd:")]
    public void AddBurns_PythWithoutAFullBand_WarnsOnceNamingTheMissingSetting(string? min, string? max, string missing)
    {
        var (oracle, log) = Resolve(new() { ["PythPriceAccount"] = PythAccount, ["MinTokenPriceUsd"] = min, ["MaxTokenPriceUsd"] = max }, times: 2);

        Assert.IsType<PythPriceOracle>(oracle);
        var warning = Assert.Single(log.Entries);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(PythAccount, warning.Message, StringComparison.Ordinal);
        Assert.Contains(missing, warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddBurns_PythWithABand_DoesNotWarn()
    {
        var (oracle, log) = Resolve(new() { ["PythPriceAccount"] = PythAccount, ["MinTokenPriceUsd"] = "1.00", ["MaxTokenPriceUsd"] = "10.00" });

        Assert.IsType<PythPriceOracle>(oracle);
        Assert.Empty(log.Entries);
    }

    [Fact]
    public void AddBurns_FixedPriceWithoutABand_DoesNotWarn()
    {
        // The operator's own constant, checked against any band at start: nothing a feed could get wrong.
        var (oracle, log) = Resolve(new() { ["FixedPrice"] = "2.50" });

        Assert.IsType<FixedPriceOracle>(oracle);
        Assert.Empty(log.Entries);
    }

    [Fact]
    public void AddBurns_RetiredTreasuryOwnersAsACommaSeparatedSettingOrAnArray_BindsEveryKey()
    {
        const string A = "11111111111111111111111111111111", B = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
        IReadOnlyList<string> Bound(Dictionary<string, string?> burns)
        {
            var services = new ServiceCollection();
            services.AddBurns(new ConfigurationBuilder().AddInMemoryCollection(burns.ToDictionary(kv => "Billing:Burns:" + kv.Key, kv => kv.Value)).Build());
            using var provider = services.BuildServiceProvider();
            return provider.GetRequiredService<IOptions<BurnOptions>>().Value.RetiredOwners();
        }

        // Before: an app setting "A,B" is one value, which the binder silently leaves out of a list: no key was retired.
        Assert.Equal([A, B], Bound(new() { ["FixedPrice"] = "2.50", ["RetiredTreasuryOwners"] = $"{A}, {B}" }));
        Assert.Equal([A, B], Bound(new() { ["FixedPrice"] = "2.50", ["RetiredTreasuryOwners:0"] = A, ["RetiredTreasuryOwners:1"] = B }));
        Assert.Empty(Bound(new() { ["FixedPrice"] = "2.50", ["RetiredTreasuryOwners"] = "" }));
    }
}

namespace Billing.Functions.Tests.MeterDeclaredUsage;

/// <summary>A platform of its own with the partners of the four shipped networks (the ids of the local defaults).</summary>
public sealed class DeclaredUsagePlatformFixture : IAsyncLifetime
{
    public const string GrassKey = "test-provider-grass-key";
    public const string MapperKey = "test-provider-mapper-key";
    public const string RenderKey = "test-provider-render-key";
    public const string InferenceKey = "test-provider-inference-key";

    public PlatformFixture Platform { get; } = new(
    [
        ("provider-grass", "Provider", GrassKey, null),
        ("provider-mapper", "Provider", MapperKey, null),
        ("provider-render", "Provider", RenderKey, null),
        ("provider-inference", "Provider", InferenceKey, null),
        ("tenant-scraper", "Tenant", "test-tenant-scraper-key", "bandwidth-standard-v1"),
        ("tenant-fleet", "Tenant", "test-tenant-fleet-key", "mapping-standard-v1"),
        ("tenant-studio", "Tenant", "test-tenant-studio-key", "render-standard-v1"),
        ("tenant-ai", "Tenant", "test-tenant-ai-key", "inference-standard-v1"),
    ]);

    public Task InitializeAsync() => Platform.InitializeAsync();

    public Task DisposeAsync() => Platform.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class DeclaredUsageCollection : ICollectionFixture<DeclaredUsagePlatformFixture>
{
    public const string Name = "declared-usage";
}

[assembly: CollectionBehavior(DisableTestParallelization = true)] // 2 cores: one heavy scenario at a time

namespace Billing.Reliability.Tests.Infrastructure;

/// <summary>
/// Quick by default (part of <c>./run test</c>); <c>BILLING_SOAK=1</c> switches to the long numbers.
/// <c>BILLING_LOAD_EVENTS</c> overrides the load size in either mode.
/// </summary>
public static class Soak
{
    public static bool Enabled => Environment.GetEnvironmentVariable("BILLING_SOAK") is "1" or "true" or "yes";

    public static int LoadEvents =>
        int.TryParse(Environment.GetEnvironmentVariable("BILLING_LOAD_EVENTS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n
            : Enabled ? 200_000 : 40_000;

    public static int FuzzCases => Enabled ? 20_000 : 3_000;

    public static int HostFuzzCases => Enabled ? 5_000 : 600;

    public static TimeSpan AzuriteOutage => TimeSpan.FromSeconds(30);
}

using System.Globalization;
using Billing.Application.Metering;
using Microsoft.Extensions.Logging;

namespace Billing.Application.Tests.Metering;

/// <summary>
/// How far metering is behind its hubs, as an operator learns it: <c>billing.metering.lag</c> and the log, from the
/// enqueue times of a delivered batch, before a hub drops unmetered events at the end of its retention.
/// </summary>
public sealed class MeteringLagTests
{
    private static readonly DateTimeOffset Now = new(2026, 10, 20, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Set around this test's own observations: the listener sees every test's measurements, the flow tells them apart.</summary>
    private static readonly AsyncLocal<bool> Mine = new();

    private static MeteringBatch Batch(params DateTimeOffset?[] enqueued) =>
        new([.. enqueued.Select(_ => "{}")], enqueued, [.. enqueued.Select((_, i) => (long?)i)], "3");

    private static (MeteringLag Lag, ListLogger<MeteringLag> Log) Create(MeteringOptions? options = null)
    {
        var log = new ListLogger<MeteringLag>();
        return (new MeteringLag(new FakeTimeProvider(Now), Options.Create(options ?? new MeteringOptions()), log), log);
    }

    [Fact]
    public void Observe_BatchEnqueuedOverAnHourAgo_RecordsTheOldestEventsAgeByHubAndWarns()
    {
        using var recorded = new BillingMeasurements<double>("billing.metering.lag", (_, _) => Mine.Value);
        var (lag, log) = Create();

        Mine.Value = true;
        var age = lag.Observe("compute-usage", Batch(Now.AddMinutes(-5), Now.AddMinutes(-95), null, Now.AddMinutes(-30)));
        Mine.Value = false;

        Assert.Equal(TimeSpan.FromMinutes(95), age);
        Assert.Equal([(95 * 60.0, "compute-usage")], recorded.With("hub"));
        var warning = Assert.Single(log.Entries);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("Hub=compute-usage", warning.Values);
        Assert.Contains("Partition=3", warning.Values);
        Assert.Contains("01:35:00", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Observe_BatchWithinTheWarningAge_LogsNothing()
    {
        var (lag, log) = Create();

        var age = lag.Observe("carrier-offload", Batch(Now.AddMinutes(-59), Now.AddSeconds(-1)));

        Assert.Equal(TimeSpan.FromMinutes(59), age);
        Assert.Empty(log.Entries);
    }

    [Fact]
    public void Observe_PastHalfTheHubsRetention_LogsAnErrorSayingHowLongIsLeft()
    {
        var (lag, log) = Create(new MeteringOptions { HubRetention = TimeSpan.FromDays(1) });

        lag.Observe("declared-usage", Batch(Now.AddHours(-13)));

        var error = Assert.Single(log.Entries);
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.Contains("Left=11:00:00", error.Values);
    }

    [Fact]
    public void Observe_NoEnqueueTimeOrOneAheadOfTheClock_NoAgeOrZero()
    {
        var (lag, log) = Create();

        Assert.Null(lag.Observe("compute-usage", Batch(null, null)));
        Assert.Equal(TimeSpan.Zero, lag.Observe("compute-usage", Batch(Now.AddMinutes(3))));
        Assert.Empty(log.Entries);
    }

    [Theory]
    [InlineData("00:00:30", "7.00:00:00", "LagWarning")]
    [InlineData("3.12:00:00", "7.00:00:00", "LagWarning")]
    [InlineData("01:00:00", "00:30:00", "HubRetention")]
    public void Validate_BadSettings_FailNamingTheSetting(string warning, string retention, string setting)
    {
        var result = new MeteringOptionsValidator().Validate(null, new MeteringOptions { LagWarning = TimeSpan.Parse(warning, CultureInfo.InvariantCulture), HubRetention = TimeSpan.Parse(retention, CultureInfo.InvariantCulture) });

        Assert.True(result.Failed);
        Assert.Contains($"Billing:Metering:{setting}", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new MeteringOptionsValidator().Validate(null, new MeteringOptions()).Succeeded);
    }
}

using Billing.Functions.HostProtocol;
using Billing.Functions.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Billing.Functions.Tests.HostProtocol;

/// <summary>
/// The timers' start-up check reads the function folders beside the handler. Every way the handler runs has them there
/// (the build output the DevHost and the tests start, the package deploy.sh publishes), so a folder that is missing is a
/// broken package whose timer the host would never run: the check names it instead of finding nothing to check.
/// </summary>
public class TimerSchedulesTests
{
    private static IConfiguration Settings() => new ConfigurationBuilder().AddInMemoryCollection(StartupValidationTests.Valid()).Build();

    public static TheoryData<string> TimerFolders() => [.. StartupValidationTests.SourceTimers().Select(t => t.Folder)];

    /// <summary>A copy of the function folders beside this test's handler (its output has them all) except <paramref name="left"/>.</summary>
    private static DirectoryInfo AppWithout(params string[] left)
    {
        var app = Directory.CreateTempSubdirectory("app-");
        foreach (string folder in Directory.EnumerateDirectories(AppContext.BaseDirectory).Where(d => File.Exists(Path.Combine(d, "function.json"))))
        {
            string name = Path.GetFileName(folder);
            if (!left.Contains(name, StringComparer.Ordinal))
            {
                File.Copy(Path.Combine(folder, "function.json"), Path.Combine(app.CreateSubdirectory(name).FullName, "function.json"));
            }
        }

        return app;
    }

    private static IReadOnlyList<string> FailuresIn(DirectoryInfo app)
    {
        try
        {
            return TimerSchedules.Failures(Settings(), app.FullName);
        }
        finally
        {
            app.Delete(recursive: true);
        }
    }

    [Fact]
    public void Timers_EveryTimerTriggerFolderOfTheApp_Listed()
    {
        Assert.Equal(StartupValidationTests.SourceTimers().Select(t => t.Folder).Order(StringComparer.Ordinal), TimerSchedules.Timers.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Failures_AllFoldersBesideTheHandler_None()
    {
        Assert.Empty(FailuresIn(AppWithout()));
    }

    [Theory]
    [MemberData(nameof(TimerFolders))]
    public void Failures_TimerFolderMissing_NamesIt(string timer)
    {
        var failure = Assert.Single(FailuresIn(AppWithout(timer)));

        Assert.Contains($"{timer}/function.json", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Failures_NoFunctionFolders_NamesEveryTimer()
    {
        var failures = FailuresIn(Directory.CreateTempSubdirectory("app-"));

        Assert.Equal(TimerSchedules.Timers.Count, failures.Count);
        Assert.All(TimerSchedules.Timers, timer => Assert.Contains(failures, f => f.Contains($"{timer}/function.json", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("{\"bindings\": [{\"type\": \"httpTrigger\", \"direction\": \"in\", \"name\": \"req\"}]}")] // another trigger
    [InlineData("{\"bindings\": [")] // not JSON
    [InlineData("{}")] // no bindings
    public void Failures_TimerFunctionJsonWithoutItsTimer_NamesIt(string json)
    {
        var app = AppWithout();
        File.WriteAllText(Path.Combine(app.FullName, TimerSchedules.Timers[0], "function.json"), json);

        var failure = Assert.Single(FailuresIn(app));

        Assert.Contains($"{TimerSchedules.Timers[0]}/function.json", failure, StringComparison.Ordinal);
    }
}

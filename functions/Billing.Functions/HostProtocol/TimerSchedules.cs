using NCrontab;

namespace Billing.Functions.HostProtocol;

/// <summary>
/// The timer functions' schedules, checked at start. The host reads each from the app setting its function.json names
/// (<c>"schedule": "%Billing:Burns:Schedule%"</c>) and does not index a timer whose setting is missing or is no NCRONTAB
/// expression, which shows nowhere an operator looks (the close, the burns or the anchors simply never run). The handler
/// is started with the same settings, so it refuses to start instead, naming the setting.
/// <para>
/// The function folders are read beside the handler's executable, where every way of running it has them: the build
/// output (<c>*/function.json</c> is copied there, and the DevHost, <c>./run</c> and the tests run the handler from it)
/// and the published package (<c>infra/deploy.sh</c> checks its layout). So a timer whose folder is missing there, or
/// whose function.json declares no timer, is a broken package the host would never run that timer from: it is named
/// as a failure too, rather than leaving nothing to check.
/// </para>
/// </summary>
internal static class TimerSchedules
{
    /// <summary>The timer functions the handler serves (each a folder with a <c>timerTrigger</c> function.json).</summary>
    public static IReadOnlyList<string> Timers { get; } = [ClosePeriods.ClosePeriodsFunction.Name, BurnExecutorTimer.BurnExecutorFunction.Name, AnchorLedger.AnchorLedgerFunction.Name];

    /// <summary>
    /// What is wrong with the schedule of each timer function under <paramref name="appDirectory"/> (one folder per
    /// function), or with the folder of a timer the handler serves; empty when nothing is.
    /// </summary>
    public static IReadOnlyList<string> Failures(IConfiguration configuration, string appDirectory)
    {
        var failures = new List<string>();
        var timers = new HashSet<string>(StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateDirectories(appDirectory).Select(d => Path.Combine(d, "function.json")).Where(File.Exists).Order(StringComparer.Ordinal))
        {
            string function = Path.GetFileName(Path.GetDirectoryName(file))!;
            foreach (var schedule in TimerScheduleValues(file))
            {
                timers.Add(function);
                string written = schedule ?? "";
                bool fromSetting = written.Length > 2 && written[0] == '%' && written[^1] == '%';
                string name = fromSetting ? written[1..^1] : $"{function}/function.json schedule";
                string? value = fromSetting ? configuration[name] : written;
                if (string.IsNullOrWhiteSpace(value))
                {
                    failures.Add($"{name} is required: the NCRONTAB schedule of the timer {function} (e.g. '0 30 0 * * *'); without it the host never runs {function}.");
                }
                else if (!IsNcrontab(value))
                {
                    failures.Add($"{name} '{value}' is not an NCRONTAB schedule ({{second}} {{minute}} {{hour}} {{day}} {{month}} {{day-of-week}}, or the last five): the host would never run {function}.");
                }
            }
        }

        foreach (string timer in Timers.Where(t => !timers.Contains(t)))
        {
            failures.Add(File.Exists(Path.Combine(appDirectory, timer, "function.json"))
                ? $"{timer}/function.json beside the handler is no JSON declaring a timerTrigger: the host would never run the timer {timer}."
                : $"{timer}/function.json is missing beside the handler ({appDirectory}): the host would never run the timer {timer}; deploy the whole build or publish output (one folder per function).");
        }

        return failures;
    }

    /// <summary>The schedule of each timer trigger <paramref name="file"/> declares; none when it is no function.json the host could read.</summary>
    private static List<string?> TimerScheduleValues(string file)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(file));
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("bindings", out var bindings) && bindings.ValueKind == JsonValueKind.Array
                ? [.. bindings.EnumerateArray()
                    .Where(b => b.ValueKind == JsonValueKind.Object && b.TryGetProperty("type", out var type) && type.ValueEquals("timerTrigger"))
                    .Select(b => b.TryGetProperty("schedule", out var schedule) && schedule.ValueKind == JsonValueKind.String ? schedule.GetString() : null)]
                : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>Six fields (with seconds) or five, as the host's timer trigger reads them; a TimeSpan (App Service plans only) is not one.</summary>
    private static bool IsNcrontab(string expression)
    {
        int fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        return fields is 5 or 6 && CrontabSchedule.TryParse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = fields == 6 }) is not null;
    }
}

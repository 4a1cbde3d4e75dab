using NCrontab;

namespace Billing.Functions.HostProtocol;

/// <summary>
/// The timer functions' schedules, checked at start. The host reads each from the app setting its function.json names
/// (<c>"schedule": "%Billing:Burns:Schedule%"</c>) and does not index a timer whose setting is missing or is no NCRONTAB
/// expression, which shows nowhere an operator looks (the close, the burns or the anchors simply never run). The handler
/// is started with the same settings, so it refuses to start instead, naming the setting.
/// </summary>
internal static class TimerSchedules
{
    /// <summary>What is wrong with the schedule of each timer function under <paramref name="appDirectory"/> (one folder per function); empty when nothing is.</summary>
    public static IReadOnlyList<string> Failures(IConfiguration configuration, string appDirectory)
    {
        var failures = new List<string>();
        foreach (string file in Directory.EnumerateDirectories(appDirectory).Select(d => Path.Combine(d, "function.json")).Where(File.Exists).Order(StringComparer.Ordinal))
        {
            string function = Path.GetFileName(Path.GetDirectoryName(file))!;
            using var document = JsonDocument.Parse(File.ReadAllBytes(file));
            foreach (var binding in document.RootElement.GetProperty("bindings").EnumerateArray())
            {
                if (binding.TryGetProperty("type", out var type) && type.ValueEquals("timerTrigger") && binding.TryGetProperty("schedule", out var schedule))
                {
                    string written = schedule.GetString() ?? "";
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
        }

        return failures;
    }

    /// <summary>Six fields (with seconds) or five, as the host's timer trigger reads them; a TimeSpan (App Service plans only) is not one.</summary>
    private static bool IsNcrontab(string expression)
    {
        int fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        return fields is 5 or 6 && CrontabSchedule.TryParse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = fields == 6 }) is not null;
    }
}

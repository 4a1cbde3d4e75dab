using System.Runtime.InteropServices;
using Spectre.Console;

namespace Billing.Benchmarks.Harness;

/// <summary>One row of the result table.</summary>
/// <param name="Benchmark">What was measured.</param>
/// <param name="Measured">The product path's figure, formatted.</param>
/// <param name="Baseline">The raw floor's figure, formatted ("—" when the row has no baseline).</param>
/// <param name="Ratio">Measured / baseline (null when the row is a single figure).</param>
/// <param name="Target">The issue's target, formatted ("—" when there is none).</param>
/// <param name="Pass">True/false against the target; null when there is no target.</param>
/// <param name="Notes">How it was measured, and anything worth knowing.</param>
public sealed record Row(string Benchmark, string Measured, string Baseline, double? Ratio, string Target, bool? Pass, string Notes);

/// <summary>What a benchmark hands back: its table rows and every figure for results.json.</summary>
public sealed class BenchmarkResult(string name)
{
    public string Name { get; } = name;

    public List<Row> Rows { get; } = [];

    public JsonObject Figures { get; } = [];

    /// <summary>Printed under the table (assumptions too long for a cell).</summary>
    public List<string> Footnotes { get; } = [];

    public string? Error { get; set; }
}

public static class Fmt
{
    public static string Rate(double perSecond) => perSecond switch
    {
        >= 1_000_000 => (perSecond / 1_000_000).ToString("0.00", CultureInfo.InvariantCulture) + "M",
        >= 10_000 => (perSecond / 1_000).ToString("0.0", CultureInfo.InvariantCulture) + "k",
        >= 100 => perSecond.ToString("0", CultureInfo.InvariantCulture),
        _ => perSecond.ToString("0.00", CultureInfo.InvariantCulture),
    };

    public static string Num(double value, string format = "0.##") => value.ToString(format, CultureInfo.InvariantCulture);

    public static string Int(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string MiB(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB";

    public static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    public static double Round(double value, int digits = 3) => Math.Round(value, digits, MidpointRounding.AwayFromZero);
}

public static class Report
{
    public static void PrintTable(IReadOnlyList<BenchmarkResult> results, TextWriter? plainOut = null)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(plainOut ?? Console.Out),
        });
        bool interactive = !Console.IsOutputRedirected;
        if (!interactive)
        {
            console.Profile.Width = 240; // logs: one line per row rather than wrapped cells
        }

        var table = new Table().Border(interactive ? TableBorder.Rounded : TableBorder.Ascii2)
            .AddColumn("benchmark").AddColumn(new TableColumn("measured").RightAligned()).AddColumn(new TableColumn("baseline").RightAligned())
            .AddColumn(new TableColumn("ratio").RightAligned()).AddColumn("target").AddColumn("pass/fail").AddColumn("notes");
        foreach (var result in results)
        {
            if (result.Error is { } error)
            {
                table.AddRow(Markup.Escape(result.Name), "—", "—", "—", "—", "[red]ERROR[/]", Markup.Escape(error));
                continue;
            }

            foreach (var row in result.Rows)
            {
                string verdict = row.Pass switch
                {
                    true => "[green]pass[/]",
                    false => "[red]MISS[/]",
                    null => "—",
                };
                table.AddRow(
                    Markup.Escape(row.Benchmark),
                    Markup.Escape(row.Measured),
                    Markup.Escape(row.Baseline),
                    row.Ratio is { } r ? r.ToString("0.000", CultureInfo.InvariantCulture) : "—",
                    Markup.Escape(row.Target),
                    verdict,
                    Markup.Escape(row.Notes));
            }
        }

        console.Write(table);
        foreach (var note in results.SelectMany(r => r.Footnotes))
        {
            console.WriteLine("* " + note, Style.Plain);
        }
    }

    public static JsonObject Machine() => new()
    {
        ["os"] = RuntimeInformation.OSDescription,
        ["architecture"] = RuntimeInformation.OSArchitecture.ToString(),
        ["cores"] = Environment.ProcessorCount,
        ["dotnet"] = RuntimeInformation.FrameworkDescription,
        ["gc"] = System.Runtime.GCSettings.IsServerGC ? "server" : "workstation",
        ["dateUtc"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
    };

    public static void WriteJson(string path, JsonObject options, IReadOnlyList<BenchmarkResult> results, TimeSpan total)
    {
        var benchmarks = new JsonObject();
        foreach (var result in results)
        {
            var rows = new JsonArray();
            foreach (var row in result.Rows)
            {
                rows.Add(new JsonObject
                {
                    ["benchmark"] = row.Benchmark,
                    ["measured"] = row.Measured,
                    ["baseline"] = row.Baseline,
                    ["ratio"] = row.Ratio is { } r ? Fmt.Round(r) : null,
                    ["target"] = row.Target,
                    ["pass"] = row.Pass,
                    ["notes"] = row.Notes,
                });
            }

            benchmarks[result.Name] = new JsonObject
            {
                ["error"] = result.Error,
                ["rows"] = rows,
                ["figures"] = result.Figures.DeepClone(),
                ["footnotes"] = new JsonArray(result.Footnotes.Select(n => (JsonNode?)n).ToArray()),
            };
        }

        var document = new JsonObject
        {
            ["machine"] = Machine(),
            ["options"] = options.DeepClone(),
            ["totalSeconds"] = Fmt.Round(total.TotalSeconds, 1),
            ["benchmarks"] = benchmarks,
        };
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
}

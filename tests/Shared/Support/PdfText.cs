using System.Diagnostics;
using System.Text.Json;

namespace Billing.Tests.Shared;

/// <summary>
/// The text of a PDF as a real parser reads it: Mozilla's pdf.js through node (<c>tests/pdf/pdf-text.mjs</c>), so a test
/// finds what a reader's viewer shows, not what the writer meant to draw.
/// </summary>
public sealed record PdfText(int Pages, IReadOnlyList<string> PageTexts, double MaxRight, double PageWidth)
{
    /// <summary>Every page's text, pages separated by a line break.</summary>
    public string All => string.Join("\n", PageTexts);

    public static async Task<PdfText> ReadAsync(byte[] pdf)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        string file = Path.Combine(Path.GetTempPath(), $"billing-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(file, pdf);
        try
        {
            var start = new ProcessStartInfo("node", [Path.Combine(RepositoryRoot.Path, "tests", "pdf", "pdf-text.mjs"), file])
            {
                WorkingDirectory = RepositoryRoot.Path,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var node = Process.Start(start)!;
            var output = node.StandardOutput.ReadToEndAsync();
            var error = node.StandardError.ReadToEndAsync();
            await node.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            if (node.ExitCode != 0)
            {
                throw new InvalidOperationException($"pdf.js could not read the PDF (exit {node.ExitCode}): {await error}");
            }

            using var json = JsonDocument.Parse(await output);
            var root = json.RootElement;
            return new PdfText(
                root.GetProperty("pages").GetInt32(),
                [.. root.GetProperty("text").EnumerateArray().Select(t => t.GetString() ?? "")],
                root.GetProperty("maxRight").GetDouble(),
                root.GetProperty("pageWidth").GetDouble());
        }
        finally
        {
            File.Delete(file);
        }
    }
}

using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;

namespace Billing.Functions.WebConsole;

/// <summary>
/// The console's static files, embedded in this assembly under <c>console/</c> (from <c>Console/site/</c>). A request
/// finds a file only by its exact relative path among these, so no path can reach anything else (no file system access,
/// no <c>..</c>, no absolute path).
/// </summary>
public static class ConsoleAssets
{
    private const string Prefix = "console/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".ico"] = "image/x-icon",
        [".md"] = "text/markdown; charset=utf-8",
        [".map"] = "application/json",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly Lazy<FrozenDictionary<string, ConsoleAsset>> All = new(Load);

    /// <summary>Every file's relative path, e.g. <c>index.html</c>, <c>pages/usage.js</c>.</summary>
    public static IEnumerable<string> Paths => All.Value.Keys;

    /// <summary>The file at <paramref name="path"/> (relative, '/'-separated, case-sensitive); null for anything else.</summary>
    public static ConsoleAsset? Find(string path) => All.Value.GetValueOrDefault(path);

    private static FrozenDictionary<string, ConsoleAsset> Load()
    {
        var assembly = typeof(ConsoleAssets).Assembly;
        var files = new Dictionary<string, ConsoleAsset>(StringComparer.Ordinal);
        foreach (string name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            string path = name[Prefix.Length..].Replace('\\', '/'); // RecursiveDir uses the build machine's separator
            string type = ContentTypes.GetValueOrDefault(Path.GetExtension(path), "application/octet-stream");
            byte[] bytes = Read(assembly, name);
            files[path] = new ConsoleAsset(path, bytes, type, "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 12)) + "\"");
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static byte[] Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

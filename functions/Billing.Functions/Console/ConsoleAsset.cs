namespace Billing.Functions.WebConsole;

/// <summary>One static file of the console: its relative path, bytes, content type and strong ETag.</summary>
public sealed record ConsoleAsset(string Path, ReadOnlyMemory<byte> Content, string ContentType, string ETag)
{
    /// <summary>The vendored library changes only with a package upgrade; the console's own files revalidate every time.</summary>
    public string CacheControl => Path.StartsWith("vendor/", StringComparison.Ordinal) ? "public, max-age=3600" : "no-cache";
}

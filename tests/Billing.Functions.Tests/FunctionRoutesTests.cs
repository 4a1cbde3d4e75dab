using Microsoft.AspNetCore.Routing;

namespace Billing.Functions.Tests;

/// <summary>
/// Routes are declared twice, in each function's <c>function.json</c> (what the host serves) and in the app's endpoints
/// (what the handler answers). These tests prove the two agree in both directions.
/// </summary>
public sealed class FunctionRoutesTests
{
    /// <summary>One function folder: its http trigger (methods, route below /api/) if any, and whether the host forwards it.</summary>
    private sealed record FunctionJson(string Folder, IReadOnlyList<string> Methods, string? Route, bool Forwarded);

    private sealed record Mapped(string Pattern, IReadOnlyList<string> Methods);

    private static IReadOnlyList<FunctionJson> Functions()
    {
        var root = Path.Combine(RepositoryRoot.Path, "functions", "Billing.Functions");
        var list = new List<FunctionJson>();
        foreach (var file in Directory.EnumerateFiles(root, "function.json", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var bindings = doc.RootElement.GetProperty("bindings").EnumerateArray().ToList();
            var trigger = bindings.FirstOrDefault(b => b.GetProperty("type").GetString() == "httpTrigger");
            bool isHttp = trigger.ValueKind == JsonValueKind.Object;
            // The host forwards the original request only for functions whose bindings are an http trigger and http output.
            bool forwarded = isHttp && bindings.All(b => b.GetProperty("type").GetString() is "httpTrigger" or "http");
            list.Add(new FunctionJson(
                Path.GetFileName(Path.GetDirectoryName(file)!),
                isHttp ? [.. trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()).Order(StringComparer.Ordinal)] : [],
                isHttp ? "/api/" + trigger.GetProperty("route").GetString() : null,
                forwarded));
        }

        return list;
    }

    private static IReadOnlyList<Mapped> Endpoints() =>
        [.. InProcessApp.Routes().Select(e => new Mapped("/" + e.RoutePattern.RawText!.TrimStart('/'), [.. e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Order(StringComparer.Ordinal)]))];

    [Fact]
    public void FunctionJson_EveryFolder_HasTheSameRouteAndMethodsMapped()
    {
        var endpoints = Endpoints();
        var problems = new List<string>();
        foreach (var f in Functions())
        {
            if (f.Forwarded)
            {
                if (!endpoints.Any(e => e.Pattern == f.Route && e.Methods.SequenceEqual(f.Methods)))
                {
                    problems.Add($"{f.Folder}/function.json declares {string.Join(",", f.Methods)} {f.Route}, but the app maps no such endpoint");
                }
            }
            else if (!endpoints.Any(e => e.Pattern == "/" + f.Folder && e.Methods.SequenceEqual(["POST"])))
            {
                problems.Add($"{f.Folder}/function.json is invoked by the host at POST /{f.Folder}, but the app maps no such endpoint");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void MappedEndpoints_Every_HasAFunctionJsonTheHostServes()
    {
        var functions = Functions();
        var problems = new List<string>();
        foreach (var e in Endpoints())
        {
            bool declared = e.Pattern.StartsWith("/api/", StringComparison.Ordinal)
                ? functions.Any(f => f.Forwarded && f.Route == e.Pattern && f.Methods.SequenceEqual(e.Methods))
                : e.Methods.SequenceEqual(["POST"]) && functions.Any(f => !f.Forwarded && "/" + f.Folder == e.Pattern);
            if (!declared)
            {
                problems.Add($"{string.Join(",", e.Methods)} {e.Pattern} is mapped, but no functions/Billing.Functions/*/function.json makes the host send it there");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }
}

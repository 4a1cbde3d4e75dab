namespace Billing.Cli.Tests.Generation;

/// <summary>The example events of the docs are what a partner copies: they must satisfy their definitions like the generator's.</summary>
public sealed partial class DocumentedExamplesTests
{
    /// <summary>The ```json blocks of a markdown file that are CloudEvents of a declarative type.</summary>
    private static List<(string Type, string Json)> Examples(string relativePath)
    {
        string text = File.ReadAllText(Path.Combine(RepositoryRoot.Path, relativePath));
        var declared = SampleNetwork.All.Select(n => n.Type).ToHashSet(StringComparer.Ordinal);
        return [.. JsonBlock().Matches(text)
            .Select(m => m.Groups[1].Value)
            .Where(b => b.Contains("\"specversion\"", StringComparison.Ordinal))
            .Select(b => (Type: EventType().Match(b).Groups[1].Value, Json: b))
            .Where(e => declared.Contains(e.Type))];
    }

    [Theory]
    [InlineData("README.md", 4)]
    [InlineData("docs/adding-a-network.md", 1)]
    public void Examples_OfDeclarativeTypes_ParseAndSatisfyTheirDefinitions(string file, int expectedTypes)
    {
        var examples = Examples(file);

        Assert.Equal(expectedTypes, examples.Select(e => e.Type).Distinct().Count());
        foreach (var (type, json) in examples)
        {
            var e = JsonNode.Parse(json)!.AsObject();
            Assert.True(DefinitionChecker.Check(e) is [], $"{file} {type}: {string.Join("; ", DefinitionChecker.Check(e))}");
            var network = SampleNetwork.All.Single(n => n.Type == type);
            Assert.Equal(network.Provider, (string?)e["source"]);
            Assert.Equal(network.Tenant, (string?)e["data"]!["customerId"]);
        }
    }

    [GeneratedRegex("```json\\n(.*?)\\n```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();

    [GeneratedRegex("\"type\"\\s*:\\s*\"([^\"]+)\"")]
    private static partial Regex EventType();
}

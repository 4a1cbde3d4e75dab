using System.Text.RegularExpressions;

namespace Billing.Storage.Tests;

/// <summary>
/// Refuses, as Table Storage does (400 OutOfRangeInput), a request naming a PartitionKey or RowKey that no table can
/// hold, in a point read's path or a query's filter. Azurite checks keys only on writes and answers such reads as
/// "not found", so without this a lookup that would fail in Azure passes against it.
/// </summary>
internal sealed partial class TableKeyRules : HttpPipelinePolicy
{
    /// <summary>Every key a request named that <see cref="TableKey.CanExist"/> refuses, in order.</summary>
    public List<string> Refused { get; } = [];

    /// <summary>Options whose clients obey these rules.</summary>
    public TableClientOptions Options()
    {
        var options = new TableClientOptions();
        options.AddPolicy(this, HttpPipelinePosition.PerCall);
        return options;
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Check(message);
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Check(message);
        return ProcessNextAsync(message, pipeline);
    }

    private void Check(HttpMessage message)
    {
        var uri = message.Request.Uri.ToUri();
        string named = Uri.UnescapeDataString(uri.AbsolutePath) + " " + Uri.UnescapeDataString(uri.Query);
        foreach (Match m in KeyLiteral().Matches(named))
        {
            string key = m.Groups[1].Value.Replace("''", "'", StringComparison.Ordinal);
            if (!TableKey.CanExist(key))
            {
                Refused.Add(key);
                throw new RequestFailedException(400, $"The key '{key[..Math.Min(key.Length, 40)]}…' ({key.Length} characters) is out of range.", "OutOfRangeInput", null);
            }
        }
    }

    [GeneratedRegex(@"(?:PartitionKey|RowKey)\s*(?:=|\seq\s|\sne\s|\sgt\s|\sge\s|\slt\s|\sle\s)\s*'((?:[^']|'')*)'")]
    private static partial Regex KeyLiteral();
}

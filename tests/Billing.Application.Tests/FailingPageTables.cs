using System.Text.RegularExpressions;

namespace Billing.Application.Tests;

/// <summary>
/// The same tables through a client whose queries come back in pages of <c>pageSize</c> rows (storage may end a page
/// early at any point, with a continuation), and whose <c>failPage</c>-th page of a query (counting the first as 1)
/// runs <c>fail</c> instead of being sent, once: a link that breaks, or a caller that gives up, part way through a
/// long read.
/// </summary>
internal sealed partial class FailingPageTables : TablesPolicy
{
    private readonly int pageSize;
    private readonly int failPage;
    private readonly Action fail;
    private int continued;

    private FailingPageTables(int pageSize, int failPage, Action fail)
    {
        this.pageSize = pageSize;
        this.failPage = failPage;
        this.fail = fail;
    }

    public static BillingTables Create(string connectionString, BillingTables real, int pageSize, int failPage, Action fail)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failPage, 2);
        return Through(connectionString, real, new FailingPageTables(pageSize, failPage, fail)); // outside the retry policy
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var uri = message.Request.Uri;
        if (Top().IsMatch(uri.Query))
        {
            uri.Query = Top().Replace(uri.Query, $"$top={pageSize}");
            if (uri.Query.Contains("NextRowKey", StringComparison.Ordinal) && Interlocked.Increment(ref continued) == failPage - 1)
            {
                fail();
            }
        }

        await ProcessNextAsync(message, pipeline);
    }

    [GeneratedRegex(@"(\$|%24)top=\d+")]
    private static partial Regex Top();
}

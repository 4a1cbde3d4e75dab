using System.Text;

namespace Billing.Application.Tests.Ledger;

/// <summary>
/// The same tables through a client on which the run is cut off (the function's timeout: an
/// <see cref="OperationCanceledException"/>, nothing sent) at the first request whose body contains a marker.
/// </summary>
internal sealed class CutOffTables(string marker) : TablesPolicy
{
    public static BillingTables Create(string connectionString, BillingTables real, string marker) =>
        Through(connectionString, real, new CutOffTables(marker)); // outside the retry policy

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (message.Request.Content is { } content)
        {
            using var body = new MemoryStream();
            await content.WriteToAsync(body, message.CancellationToken);
            if (Encoding.UTF8.GetString(body.ToArray()).Contains(marker, StringComparison.Ordinal))
            {
                throw new OperationCanceledException("the run was cut off");
            }
        }

        await ProcessNextAsync(message, pipeline);
    }
}

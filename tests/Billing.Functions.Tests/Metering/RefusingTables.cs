using Azure.Core;
using Azure.Core.Pipeline;

namespace Billing.Functions.Tests.Metering;

/// <summary>
/// The same tables through a client on which storage refuses (400 InvalidInput, nothing sent) every request whose body
/// contains <c>marker</c> while <see cref="Refusing"/> is set: a fault on one event's row that is repaired later, so the
/// event is set aside as unstorable and counts once replayed.
/// </summary>
internal sealed class RefusingTables : HttpPipelinePolicy
{
    private readonly string marker;

    private RefusingTables(string marker) => this.marker = marker;

    public bool Refusing { get; set; } = true;

    public static (BillingTables Tables, RefusingTables Fault) Create(string connectionString, BillingTables real, string marker)
    {
        var fault = new RefusingTables(marker);
        var options = new TableClientOptions();
        options.AddPolicy(fault, HttpPipelinePosition.PerCall); // outside the retry policy: refused once, as a deterministic 400 is
        return (new BillingTables(new TableServiceClient(connectionString, options), real.Options), fault);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (Refusing && message.Request.Content is { } content)
        {
            using var body = new MemoryStream();
            await content.WriteToAsync(body, message.CancellationToken);
            if (Encoding.UTF8.GetString(body.ToArray()).Contains(marker, StringComparison.Ordinal))
            {
                throw new RequestFailedException(400, "One of the request inputs is not valid.", "InvalidInput", null);
            }
        }

        await ProcessNextAsync(message, pipeline);
    }
}

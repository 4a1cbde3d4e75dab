using Azure.Core;
using Azure.Core.Pipeline;

namespace Billing.Functions.Tests.Metering;

/// <summary>
/// The same tables through a client on which storage refuses (400 InvalidInput, nothing sent) every request whose body
/// contains a marker while <see cref="Refusing"/> is set: a fault on one event's row that is repaired later, so the
/// event is set aside as unstorable and counts once replayed. With another status (a 503) it fails that request as transiently.
/// </summary>
internal sealed class RefusingTables : TablesPolicy
{
    private readonly string[] markers;
    private readonly int status;

    private RefusingTables(string[] markers, int status) => (this.markers, this.status) = (markers, status);

    public bool Refusing { get; set; } = true;

    public static (BillingTables Tables, RefusingTables Fault) Create(string connectionString, BillingTables real, string marker, int status = 400) =>
        Create(connectionString, real, [marker], status);

    public static (BillingTables Tables, RefusingTables Fault) Create(string connectionString, BillingTables real, string[] markers, int status = 400)
    {
        var fault = new RefusingTables(markers, status);
        return (Through(connectionString, real, fault), fault); // outside the retry policy: refused once, as a deterministic 400 is
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (Refusing && message.Request.Content is { } content)
        {
            using var body = new MemoryStream();
            await content.WriteToAsync(body, message.CancellationToken);
            string text = Encoding.UTF8.GetString(body.ToArray());
            if (Array.Exists(markers, m => text.Contains(m, StringComparison.Ordinal)))
            {
                throw status == 400
                    ? new RequestFailedException(400, "One of the request inputs is not valid.", "InvalidInput", null)
                    : new RequestFailedException(status, "The server is busy.", "ServerBusy", null);
            }
        }

        await ProcessNextAsync(message, pipeline);
    }
}

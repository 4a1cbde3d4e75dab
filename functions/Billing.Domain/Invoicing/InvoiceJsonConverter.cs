using System.Text.Json.Serialization;

namespace Billing.Domain.Invoicing;

/// <summary>System.Text.Json converter for <see cref="Invoice"/> using the shape of <see cref="InvoiceJson"/>.</summary>
public sealed class InvoiceJsonConverter : JsonConverter<Invoice>
{
    public override Invoice Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using JsonDocument document = JsonDocument.ParseValue(ref reader);
        return InvoiceJson.Read(document.RootElement);
    }

    public override void Write(Utf8JsonWriter writer, Invoice value, JsonSerializerOptions options) => InvoiceJson.Write(writer, value);
}

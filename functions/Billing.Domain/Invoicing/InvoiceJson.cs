namespace Billing.Domain.Invoicing;

/// <summary>
/// The public invoice JSON shape:
/// <code>
/// {"id":"INV-carrier-tmo-202610","payer":"carrier-tmo","plan":"carrier-standard-v1",
///  "period":{"start":"2026-10-01T00:00:00Z","end":"2026-11-01T00:00:00Z"},
///  "status":"finalized","currency":"USD",
///  "lines":[{"meter":"offload.bytes","description":"Data offload","group":{},"quantity":12345,
///            "unit":"DC","unitPrice":"0.00001","amount":"0.12"}],
///  "total":"0.12","totalMinor":12,"stripeInvoiceId":null}
/// </code>
/// Amounts and unit prices are strings (exact decimals), <c>quantity</c> a JSON number, <c>group</c> an object with keys in
/// ordinal order. Reading validates that <c>total</c> and <c>totalMinor</c> equal the sum of the line amounts.
/// The stored form also keeps, last and only when known, <c>"ratedUsage":{"offload.bytes":"12345"}</c>
/// (<see cref="Invoice.RatedUsage"/>, 128-bit integers as strings), which the API does not show; rows written before it
/// read as an invoice without it.
/// </summary>
public static class InvoiceJson
{
    private const string InstantFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    public static string Serialize(Invoice invoice, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
        {
            Write(writer, invoice);
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    public static Invoice Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using JsonDocument document = JsonDocument.Parse(json);
        return Read(document.RootElement);
    }

    public static void Write(Utf8JsonWriter writer, Invoice invoice)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(invoice);
        writer.WriteStartObject();
        writer.WriteString("id", invoice.Id.ToString());
        writer.WriteString("payer", invoice.Payer);
        writer.WriteString("plan", invoice.PlanId);
        writer.WriteStartObject("period");
        writer.WriteString("start", FormatInstant(invoice.Period.Start));
        writer.WriteString("end", FormatInstant(invoice.Period.End));
        writer.WriteEndObject();
        writer.WriteString("status", StatusName(invoice.Status));
        writer.WriteString("currency", invoice.Currency.Code);
        writer.WriteStartArray("lines");
        foreach (InvoiceLine line in invoice.Lines)
        {
            writer.WriteStartObject();
            writer.WriteString("meter", line.Meter);
            writer.WriteString("description", line.Description);
            writer.WritePropertyName("group");
            WriteGroup(writer, line.Group);
            writer.WriteNumber("quantity", line.Quantity);
            if (line.Unit is null)
            {
                writer.WriteNull("unit");
            }
            else
            {
                writer.WriteString("unit", line.Unit);
            }

            writer.WriteString("unitPrice", line.UnitPrice.ToString(CultureInfo.InvariantCulture));
            writer.WriteString("amount", line.Amount.ToString());
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        // Only once money has arrived (or a credit note lowered what is due), so unpaid invoices keep the contract's exact shape.
        if (ShowsPayments(invoice))
        {
            writer.WriteString("amountPaid", invoice.AmountPaid.ToString());
            writer.WriteNumber("amountPaidMinor", invoice.AmountPaid.MinorUnits);
            writer.WriteString("amountRemaining", invoice.AmountRemaining.ToString());
            writer.WriteNumber("amountRemainingMinor", invoice.AmountRemaining.MinorUnits);
        }

        if (!invoice.PrePaymentCredited.IsZero)
        {
            writer.WriteString("prePaymentCredited", invoice.PrePaymentCredited.ToString());
            writer.WriteNumber("prePaymentCreditedMinor", invoice.PrePaymentCredited.MinorUnits);
        }

        writer.WriteString("total", invoice.Total.ToString());
        writer.WriteNumber("totalMinor", invoice.Total.MinorUnits);
        if (invoice.StripeInvoiceId is null)
        {
            writer.WriteNull("stripeInvoiceId");
        }
        else
        {
            writer.WriteString("stripeInvoiceId", invoice.StripeInvoiceId);
        }

        if (invoice.RatedUsage.Count > 0)
        {
            writer.WriteStartObject("ratedUsage");
            foreach ((string meter, Int128 quantity) in invoice.RatedUsage)
            {
                writer.WriteString(meter, quantity.ToString(CultureInfo.InvariantCulture));
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    /// <summary>Reads an invoice; throws <see cref="JsonException"/> naming the field when the document is not a valid invoice.</summary>
    public static Invoice Read(JsonElement root)
    {
        try
        {
            return ReadCore(root);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or KeyNotFoundException or OverflowException)
        {
            throw new JsonException($"Invalid invoice JSON: {e.Message}", e);
        }
    }

    /// <summary>Compact JSON object of a line group, keys in ordinal order, e.g. <c>{"gpuModel":"H100"}</c>.</summary>
    public static string GroupJson(IReadOnlyDictionary<string, string> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            WriteGroup(writer, group);
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    /// <summary>
    /// Whether the paid amounts are shown: once money has arrived or a credit note lowered what is due, so an unpaid, uncredited
    /// invoice keeps the contract's exact shape (the API, the stored JSON and the PDF agree).
    /// </summary>
    public static bool ShowsPayments(Invoice invoice)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        return invoice.Status is InvoiceStatus.PartiallyPaid or InvoiceStatus.Paid || !invoice.AmountPaid.IsZero || !invoice.PrePaymentCredited.IsZero;
    }

    public static string StatusName(InvoiceStatus status) => status switch
    {
        InvoiceStatus.Draft => "draft",
        InvoiceStatus.Finalized => "finalized",
        InvoiceStatus.Paid => "paid",
        InvoiceStatus.Void => "void",
        InvoiceStatus.PartiallyPaid => "partially_paid",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    internal static string FormatInstant(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString(InstantFormat, CultureInfo.InvariantCulture);

    private static void WriteGroup(Utf8JsonWriter writer, IReadOnlyDictionary<string, string> group)
    {
        writer.WriteStartObject();
        foreach ((string key, string value) in group.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
    }

    private static Invoice ReadCore(JsonElement root)
    {
        InvoiceId id = InvoiceId.Parse(String(root, "id"));
        if (String(root, "payer") != id.Payer)
        {
            throw new FormatException("payer: does not match the invoice id.");
        }

        JsonElement period = Property(root, "period");
        DateTimeOffset start = DateTimeOffset.ParseExact(String(period, "start"), InstantFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        DateTimeOffset end = DateTimeOffset.ParseExact(String(period, "end"), InstantFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        if (start != id.Period.Start || end != id.Period.End)
        {
            throw new FormatException($"period: must be [{FormatInstant(id.Period.Start)}, {FormatInstant(id.Period.End)}) for {id}.");
        }

        InvoiceStatus status = String(root, "status") switch
        {
            "draft" => InvoiceStatus.Draft,
            "finalized" => InvoiceStatus.Finalized,
            "paid" => InvoiceStatus.Paid,
            "void" => InvoiceStatus.Void,
            "partially_paid" => InvoiceStatus.PartiallyPaid,
            var other => throw new FormatException($"status: unknown status '{other}'."),
        };
        Currency currency = Currency.FromCode(String(root, "currency"));
        var lines = new List<InvoiceLine>();
        foreach (JsonElement line in Property(root, "lines").EnumerateArray())
        {
            var group = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (JsonProperty p in Property(line, "group").EnumerateObject())
            {
                group.Add(p.Name, p.Value.GetString() ?? throw new FormatException("group: values must be strings."));
            }

            JsonElement unit = Property(line, "unit");
            lines.Add(new InvoiceLine(
                String(line, "meter"),
                String(line, "description"),
                group,
                Property(line, "quantity").GetDecimal(),
                unit.ValueKind == JsonValueKind.Null ? null : unit.GetString(),
                decimal.Parse(String(line, "unitPrice"), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture),
                Money.Parse(String(line, "amount"), currency)));
        }

        JsonElement stripe = Property(root, "stripeInvoiceId");
        long paid = root.TryGetProperty("amountPaidMinor", out JsonElement paidMinor) ? paidMinor.GetInt64() : 0;
        long credited = root.TryGetProperty("prePaymentCreditedMinor", out JsonElement creditedMinor) ? creditedMinor.GetInt64() : 0;
        var rated = new Dictionary<string, Int128>(StringComparer.Ordinal);
        if (root.TryGetProperty("ratedUsage", out JsonElement usage))
        {
            foreach (JsonProperty p in usage.EnumerateObject())
            {
                string quantity = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : throw new FormatException("ratedUsage: values must be strings.");
                rated.Add(p.Name, Int128.Parse(quantity, NumberStyles.None, CultureInfo.InvariantCulture));
            }
        }

        var invoice = new Invoice(id, String(root, "plan"), status, currency, lines, stripe.ValueKind == JsonValueKind.Null ? null : stripe.GetString(), paid, credited, rated);
        if (Money.Parse(String(root, "total"), currency) != invoice.Total || Property(root, "totalMinor").GetInt64() != invoice.Total.MinorUnits)
        {
            throw new FormatException($"total: does not equal the sum of the lines ({invoice.Total}).");
        }

        return invoice;
    }

    private static JsonElement Property(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out JsonElement value)
            ? value
            : throw new FormatException($"{name}: required field is missing.");

    private static string String(JsonElement obj, string name)
    {
        JsonElement value = Property(obj, name);
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new FormatException($"{name}: expected a string.");
    }
}

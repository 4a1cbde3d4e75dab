namespace Billing.Domain.Events;

/// <summary>Reads the located fields as typed values, collecting an error per bad field (named by its JSON path).</summary>
internal ref struct FieldReader(ReadOnlySpan<byte> json, FieldSlots slots)
{
    private readonly ReadOnlySpan<byte> json = json;
    private FieldSlots slots = slots;

    public List<ValidationError>? Errors { get; private set; }

    public readonly bool HasErrors => Errors is { Count: > 0 };

    public void Error(string field, string reason) => (Errors ??= new List<ValidationError>(4)).Add(new(field, reason));

    /// <summary>Whether an error names a partner the registry did not know (<see cref="EventValidationResult.NamesUnknownPartner"/>).</summary>
    public bool NamesUnknownPartner { get; private set; }

    /// <summary>An error for <paramref name="partnerId"/>, which the registry does not know as a partner at all.</summary>
    public void UnknownPartner(string field, IPartnerDirectory partners, string partnerId, string what) =>
        UnknownPartner(field, partners.NotRegistered(partnerId, what));

    /// <summary>An error for a partner the registry does not know at all, worded by the caller.</summary>
    public void UnknownPartner(string field, string reason)
    {
        Error(field, reason);
        NamesUnknownPartner = true;
    }

    /// <summary>Whether an error names a payer that has not granted the poster (<see cref="EventValidationResult.NamesUngrantedPayer"/>).</summary>
    public bool NamesUngrantedPayer { get; private set; }

    /// <summary>An error for a payer the registry knows that has not granted the poster, worded as for an unknown one by the caller.</summary>
    public void UngrantedPayer(string field, string reason)
    {
        Error(field, reason);
        NamesUngrantedPayer = true;
    }

    public readonly JsonTokenType Kind(EventField field) => slots[(int)field].Kind;

    /// <summary>The raw text of an object member the scanner located (the <c>data</c> object).</summary>
    public readonly ReadOnlySpan<byte> Raw(EventField field) => json.Slice(slots[(int)field].Start, slots[(int)field].Length);

    /// <summary>A string field as unescaped, valid UTF-8; false (with an error when due) when absent, null or unreadable.</summary>
    public bool Utf8(EventField field, string name, bool required, out ReadOnlySpan<byte> value)
    {
        value = default;
        var slot = slots[(int)field];
        if (!IsPresentAs(slot, JsonTokenType.String, name, required, "must be a string"))
        {
            return false;
        }

        value = json.Slice(slot.Start, slot.Length);
        if (slot.Escaped && !TryUnescape(json.Slice(slot.Start - 1, slot.Length + 2), out value) || !System.Text.Unicode.Utf8.IsValid(value))
        {
            // JSON allows "\ud800", and raw bytes may not be UTF-8: neither is text.
            Error(name, JsonText.NotUnicodeText);
            value = default;
            return false;
        }

        return true;
    }

    public string? String(EventField field, string name, bool required) =>
        Utf8(field, name, required, out var value) ? Encoding.UTF8.GetString(value) : null;

    public DateTimeOffset? Time(EventField field, string name)
    {
        if (!Utf8(field, name, required: true, out var text))
        {
            return null;
        }

        if (!Rfc3339.TryParse(text, out var value))
        {
            Error(name, Rfc3339.Explain(text)!);
            return null;
        }

        return value;
    }

    public long? Integer(EventField field, string name, long min, long max, bool required)
    {
        var slot = slots[(int)field];
        if (!IsPresentAs(slot, JsonTokenType.Number, name, required, "must be a number"))
        {
            return null;
        }

        // As JsonElement.TryGetInt64: the whole token must be an integer that fits (no fraction, no exponent).
        var text = json.Slice(slot.Start, slot.Length);
        if (!System.Buffers.Text.Utf8Parser.TryParse(text, out long n, out int consumed) || consumed != text.Length)
        {
            Error(name, $"must be a whole number between {min} and {max}");
            return null;
        }

        if (n < min || n > max)
        {
            Error(name, $"must be between {min} and {max}");
            return null;
        }

        return n;
    }

    /// <summary>True when the field is present with the expected kind; otherwise records why (when due) and returns false.</summary>
    private bool IsPresentAs(FieldSlot slot, JsonTokenType kind, string name, bool required, string mustBe)
    {
        if (slot.Kind is JsonTokenType.None or JsonTokenType.Null)
        {
            if (required)
            {
                Error(name, "is required");
            }

            return false;
        }

        if (slot.Kind != kind)
        {
            Error(name, mustBe);
            return false;
        }

        return true;
    }

    /// <summary>Unescapes a quoted JSON string (rare in practice: partners send plain ids).</summary>
    private static bool TryUnescape(ReadOnlySpan<byte> quoted, out ReadOnlySpan<byte> value)
    {
        var reader = new Utf8JsonReader(quoted);
        reader.Read();
        var buffer = new byte[quoted.Length];
        try
        {
            value = buffer.AsSpan(0, reader.CopyString(buffer));
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default;
            return false;
        }
    }
}

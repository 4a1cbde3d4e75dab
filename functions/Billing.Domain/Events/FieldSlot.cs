namespace Billing.Domain.Events;

/// <summary>Where one field's value lies in the event's UTF-8 text. <see cref="JsonTokenType.None"/>: absent.</summary>
/// <remarks>For a string, Start/Length cover the text between the quotes, still escaped when <see cref="Escaped"/>.</remarks>
internal struct FieldSlot
{
    public JsonTokenType Kind;
    public bool Escaped;
    public int Start;
    public int Length;
}

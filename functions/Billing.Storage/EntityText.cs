namespace Billing.Storage;

/// <summary>
/// Reads a text property of a stored row without trusting its type: someone with write access to storage can plant a
/// number where the code wrote text, and <see cref="TableEntity.GetString"/> would then throw on every read, so every
/// redelivery of a batch touching the row would fail the same way and stall its partition.
/// </summary>
internal static class EntityText
{
    /// <summary>The property's text; null when it is absent or not text.</summary>
    public static string? Of(TableEntity entity, string name) => entity.TryGetValue(name, out var value) ? value as string : null;
}

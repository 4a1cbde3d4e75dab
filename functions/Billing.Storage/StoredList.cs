namespace Billing.Storage;

/// <summary>
/// What a listing read: the rows it could read, in the listing's order, and apart from them the rows it could not
/// (<see cref="UnreadableRow"/>), so that one planted row fails neither the list nor whoever reads it.
/// </summary>
public sealed record StoredList<T>(IReadOnlyList<T> Items, IReadOnlyList<UnreadableRow> Unreadable);

namespace Billing.Application.Ledger;

/// <summary>Writes the double-entry ledger entries for money and token movements. Every call is idempotent by a deterministic entry id.</summary>
public interface ILedgerRecorder
{
    Task InvoiceFinalizedAsync(Invoice invoice, CancellationToken cancellationToken);

    Task PaymentReceivedAsync(PaymentRecord payment, CancellationToken cancellationToken);

    /// <summary>Books a payment with its decided split (receivable, customer credit, unapplied); nothing for a zero split or an unreadable one.</summary>
    Task PaymentAppliedAsync(PaymentRecord payment, CancellationToken cancellationToken);

    Task TokensBurnedAsync(BurnIntent burn, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the main book's chain holds entry <paramref name="entryId"/> (e.g. <c>burn:{id}</c>); throws
    /// <see cref="InvalidDataException"/> when its id row cannot be read or points outside the chain.
    /// </summary>
    Task<bool> IsBookedAsync(string entryId, CancellationToken cancellationToken);

    /// <summary>
    /// The main book's entry <paramref name="entryId"/> if its chain holds it, else null; throws <see cref="InvalidDataException"/>
    /// when its id row cannot be read or points outside the chain.
    /// </summary>
    Task<LedgerEntry?> EntryAsync(string entryId, CancellationToken cancellationToken);

    /// <summary>
    /// The main book's entries indexed under <paramref name="subject"/> (<see cref="LedgerIndex"/>), each of the chain; throws
    /// <see cref="InvalidDataException"/> when an index row cannot be read or names an entry outside the chain.
    /// </summary>
    Task<IReadOnlyList<LedgerEntry>> IndexedAsync(string subject, CancellationToken cancellationToken);

    /// <summary>
    /// Whether every entry of the main book has its subject index rows (<see cref="LedgerStore.IsIndexCompleteAsync"/>): false
    /// for a book written before appends indexed until the anchor run's backfill reached its head. Throws
    /// <see cref="InvalidDataException"/> when the index cursor cannot be read.
    /// </summary>
    Task<bool> IsIndexCompleteAsync(CancellationToken cancellationToken);
}

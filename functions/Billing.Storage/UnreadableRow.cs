namespace Billing.Storage;

/// <summary>
/// A stored row that cannot be read (a value of a type this platform never writes there, planted by someone with write
/// access to storage, a bug or a tool): the id it is stored under (burn id, invoice id, Stripe event id) and why, naming
/// the property. It is reported and never acted on, and it keeps no other row from being read.
/// </summary>
public sealed record UnreadableRow(string Id, string Reason)
{
    /// <summary>The invoice the row belongs to when its key says so (a payment row's partition); null otherwise.</summary>
    public string? InvoiceId { get; init; }

    /// <summary>
    /// A burn row that carries a signature, or a <c>Signature</c> value that cannot be read: its transaction may have been
    /// sent (the signature is stored before the first send), so the burn may be in flight.
    /// </summary>
    public bool MayBeInFlight { get; init; }
}

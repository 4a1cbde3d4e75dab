namespace Billing.Contracts.Ledger;

/// <summary>
/// <c>POST /api/v1/ledger/reconcile/acknowledgements</c>: the finding, by <see cref="Kind"/> and <see cref="Subject"/> exactly
/// as <c>GET /api/v1/ledger/reconcile</c> lists it, and why it needs nothing more from the platform (<see cref="Note"/>,
/// required, at most 500 characters on one line).
/// </summary>
public sealed record AcknowledgeFindingRequest(string Kind, string Subject, string Note);

namespace Billing.Contracts.Ledger;

/// <summary>
/// <c>POST /api/v1/ledger/reconcile/acknowledgements</c>: the finding, by <see cref="Kind"/>, <see cref="Subject"/> and the
/// start (8 to 64 hex digits) of its <see cref="DetailSha256"/>, exactly as <c>GET /api/v1/ledger/reconcile</c> listed it to
/// the caller, and why it needs nothing more from the platform (<see cref="Note"/>, required, at most 500 characters on one line).
/// </summary>
public sealed record AcknowledgeFindingRequest(string Kind, string Subject, string DetailSha256, string Note);

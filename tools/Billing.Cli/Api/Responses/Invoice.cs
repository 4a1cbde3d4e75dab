namespace Billing.Cli.Api.Responses;

/// <summary><c>GET /api/v1/invoices/{id}</c>: one invoice in full; <c>LedgerProof</c> is the <c>ledger.proof</c> path of its ledger entry, if any.</summary>
public sealed record Invoice(
    InvoiceSummary Summary,
    IReadOnlyList<InvoiceLine> Lines,
    string? LedgerProof);

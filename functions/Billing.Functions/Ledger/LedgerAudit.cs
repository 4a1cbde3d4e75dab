using System.Text.Json.Nodes;
using Billing.Domain.Burns;
using Billing.Domain.Invoicing;
using Billing.Domain.Ledger;
using Billing.Solana.Rpc;
using Billing.Storage;
using Billing.Storage.Ledger;

namespace Billing.Functions.Ledger;

public sealed record AuditProblem(string Kind, string Subject, string Detail)
{
    public JsonObject ToJson() => new() { ["kind"] = Kind, ["subject"] = Subject, ["detail"] = Detail };

    public override string ToString() => $"{Kind} {Subject}: {Detail}";
}

public sealed record LedgerAuditResult(int Entries, int Anchors, int PendingAnchors, IReadOnlyList<AuditProblem> Problems)
{
    public bool Ok => Problems.Count == 0;
}

public sealed record ReconciliationResult(int Invoices, int Payments, int Burns, int Entries, IReadOnlyList<AuditProblem> Mismatches)
{
    public bool Ok => Mismatches.Count == 0;
}

/// <summary>
/// What an auditor runs: recompute every hash chain and Merkle root, check each anchor's memo on chain, and reconcile
/// invoices ↔ Stripe payments ↔ burns ↔ ledger entries, listing every mismatch precisely.
/// </summary>
public sealed class LedgerAudit(
    LedgerStore ledger,
    AnchorStore anchors,
    InvoiceStore invoices,
    PaymentStore payments,
    BurnStore burns,
    ISolanaRpcClient rpc,
    TimeProvider time)
{
    private static readonly TimeSpan StuckAfter = TimeSpan.FromHours(1);

    public async Task<LedgerAuditResult> VerifyAsync(CancellationToken cancellationToken)
    {
        string book = LedgerEntries.MainBook;
        var verification = await new LedgerVerifier(ledger, anchors).VerifyAsync(book, cancellationToken).ConfigureAwait(false);
        var problems = verification.Problems.Select(p => new AuditProblem(p.Kind.ToString(), p.EntryId ?? $"sequence {p.Sequence}", p.Message)).ToList();

        int confirmed = 0, pending = 0;
        foreach (var anchor in await anchors.ListAsync(book, cancellationToken).ConfigureAwait(false))
        {
            string subject = $"anchor {anchor.FromSeq}-{anchor.ToSeq}";
            if (anchor.Status != AnchorStatus.Confirmed)
            {
                pending++;
                continue;
            }

            confirmed++;
            var tx = await rpc.GetTransactionAsync(anchor.Signature!, Commitment.Confirmed, cancellationToken).ConfigureAwait(false);
            if (tx is null)
            {
                problems.Add(new("AnchorNotOnChain", subject, $"transaction {anchor.Signature} is not on chain"));
            }
            else if (tx.Meta?.Error is { } error)
            {
                problems.Add(new("AnchorFailedOnChain", subject, $"transaction {anchor.Signature} failed: {error}"));
            }
            else if (!(tx.Meta?.LogMessages ?? []).Any(l => l.Contains(anchor.Memo, StringComparison.Ordinal)))
            {
                problems.Add(new("AnchorMemoMismatch", subject, $"transaction {anchor.Signature} does not carry the memo {anchor.Memo}"));
            }
        }

        return new LedgerAuditResult(verification.Entries, confirmed, pending, problems);
    }

    public async Task<ReconciliationResult> ReconcileAsync(CancellationToken cancellationToken)
    {
        var allInvoices = await invoices.ListAsync(null, null, cancellationToken).ConfigureAwait(false);
        var allPayments = await payments.ListAsync(null, cancellationToken).ConfigureAwait(false);
        var allBurns = await burns.ListAsync(null, cancellationToken).ConfigureAwait(false);
        var entries = (await ledger.ReadAllAsync(LedgerEntries.MainBook, cancellationToken).ConfigureAwait(false)).ToDictionary(e => e.EntryId, StringComparer.Ordinal);
        var byInvoice = allInvoices.ToDictionary(i => i.Id.ToString(), StringComparer.Ordinal);
        var paymentsByInvoice = allPayments.GroupBy(p => p.InvoiceId).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var burnsByInvoice = allBurns.ToDictionary(b => b.InvoiceId, StringComparer.Ordinal);
        var now = time.GetUtcNow();
        var mismatches = new List<AuditProblem>();

        foreach (var invoice in allInvoices)
        {
            string id = invoice.Id.ToString();
            if (invoice.Status is InvoiceStatus.Finalized or InvoiceStatus.Paid && LedgerEntries.InvoiceFinalized(invoice, now) is { } expected
                && !entries.ContainsKey(expected.EntryId))
            {
                mismatches.Add(new("InvoiceNotBooked", id, $"no ledger entry {expected.EntryId}"));
            }

            var paid = paymentsByInvoice.GetValueOrDefault(id) ?? [];
            if (invoice.Status == InvoiceStatus.Paid && paid.Count == 0)
            {
                mismatches.Add(new("PaidWithoutPayment", id, "invoice is marked paid but no Stripe payment is recorded"));
            }

            if (paid.Count > 0 && invoice.Status != InvoiceStatus.Paid)
            {
                mismatches.Add(new("PaymentNotApplied", id, $"{paid.Count} payment(s) recorded but the invoice is {InvoiceJson.StatusName(invoice.Status)}"));
            }

            long received = paid.Sum(p => p.AmountMinor);
            if (paid.Count > 0 && received != invoice.Total.MinorUnits)
            {
                mismatches.Add(new("AmountMismatch", id, $"invoice total {invoice.Total.MinorUnits} minor units, payments {received}"));
            }

            if (paid.Count > 0 && !burnsByInvoice.ContainsKey(id))
            {
                mismatches.Add(new("PaidWithoutBurn", id, "payment recorded but no burn intent exists"));
            }
        }

        foreach (var payment in allPayments)
        {
            if (!byInvoice.ContainsKey(payment.InvoiceId))
            {
                mismatches.Add(new("PaymentForUnknownInvoice", payment.StripeEventId, $"payment of {payment.AmountMinor} {payment.Currency} for {payment.InvoiceId}, which does not exist"));
            }

            if (!entries.ContainsKey("payment:" + payment.StripeEventId))
            {
                mismatches.Add(new("PaymentNotBooked", payment.StripeEventId, $"no ledger entry payment:{payment.StripeEventId}"));
            }
        }

        foreach (var burn in allBurns)
        {
            long paid = paymentsByInvoice.GetValueOrDefault(burn.InvoiceId)?.Sum(p => p.AmountMinor) ?? 0;
            if (burn.UsdMinor != paid)
            {
                mismatches.Add(new("BurnAmountMismatch", burn.Id, $"burn converts {burn.UsdMinor} minor units, payments for {burn.InvoiceId} total {paid}"));
            }

            switch (burn.Status)
            {
                case BurnStatus.Finalized:
                    if (!entries.TryGetValue("burn:" + burn.Id, out var entry))
                    {
                        mismatches.Add(new("BurnNotBooked", burn.Id, $"finalized ({burn.Signature}) but no ledger entry burn:{burn.Id}"));
                    }
                    else if (entry.Postings.Where(p => p.Asset == Assets.Token && p.Amount > 0).Sum(p => (decimal)p.Amount) != burn.TokenAmount)
                    {
                        mismatches.Add(new("BurnBookedWrongAmount", burn.Id, $"ledger books a different amount than the {burn.TokenAmount} base units burned"));
                    }

                    break;
                case BurnStatus.Failed:
                    mismatches.Add(new("BurnFailed", burn.Id, burn.Reason ?? "failed"));
                    break;
                case BurnStatus.Pending or BurnStatus.Signed or BurnStatus.Submitted when now - burn.CreatedAt > StuckAfter:
                    mismatches.Add(new("BurnStuck", burn.Id, $"{burn.Status.ToString().ToLowerInvariant()} since {burn.CreatedAt:u}: {burn.Reason ?? "no reason recorded"}"));
                    break;
            }
        }

        return new ReconciliationResult(allInvoices.Count, allPayments.Count, allBurns.Count, entries.Count, mismatches);
    }
}

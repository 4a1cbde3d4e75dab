using System.Globalization;
using System.Text.Json.Nodes;
using Billing.Domain.Burns;
using Billing.Domain.Invoicing;
using Billing.Domain.Ledger;
using Billing.Solana.Rpc;
using Billing.Storage;
using Billing.Storage.Ledger;
using Microsoft.Extensions.Options;

namespace Billing.Functions.Ledger;

public sealed record AuditProblem(string Kind, string Subject, string Detail)
{
    public JsonObject ToJson() => new() { ["kind"] = Kind, ["subject"] = Subject, ["detail"] = Detail };

    public override string ToString() => $"{Kind} {Subject}: {Detail}";
}

public sealed record LedgerAuditResult(int Entries, int Anchors, int PendingAnchors, IReadOnlyList<AuditProblem> Problems)
{
    public bool Ok => Problems.Count == 0;

    /// <summary>The anchor authority whose memos were read (base58), and the ledger name they carry.</summary>
    public string? Authority { get; init; }

    public string? Ledger { get; init; }
}

public sealed record ReconciliationResult(int Invoices, int Payments, int Burns, int Entries, IReadOnlyList<AuditProblem> Mismatches)
{
    public bool Ok => Mismatches.Count == 0;
}

/// <summary>
/// What an auditor runs: verify the book against the chain, and reconcile invoices ↔ Stripe payments ↔ burns ↔ ledger
/// entries, listing every mismatch precisely. Verification trusts the chain, not the anchors table: it reads the
/// anchor authority's memos (<see cref="AnchorChainReader"/>), checks they link, streams the entries once against them
/// (<see cref="LedgerStreamVerifier"/>), and then compares the table's rows with the chain.
/// </summary>
public sealed class LedgerAudit(
    LedgerStore ledger,
    AnchorStore anchors,
    InvoiceStore invoices,
    PaymentStore payments,
    BurnStore burns,
    ISolanaRpcClient rpc,
    AnchorAuthority authority,
    IOptions<LedgerOptions> options,
    TimeProvider time)
{
    private static readonly TimeSpan StuckAfter = TimeSpan.FromHours(1);

    public async Task<LedgerAuditResult> VerifyAsync(CancellationToken cancellationToken)
    {
        string book = LedgerEntries.MainBook;
        var now = time.GetUtcNow();
        var problems = new List<AuditProblem>();
        if (!authority.IsConfigured)
        {
            problems.Add(new("NoAnchorAuthority", "ledger", "no anchor authority is configured, so nothing can be checked on chain"));
        }

        var key = authority.IsConfigured ? (await authority.GetAsync(cancellationToken).ConfigureAwait(false)).PublicKey : null;
        IReadOnlyList<OnChainAnchor> onChain = key is null ? [] : await new AnchorChainReader(rpc).ReadAllAsync(key, authority.LedgerName, book, cancellationToken).ConfigureAwait(false);
        var (linked, linkProblems) = AnchorChain.Link(onChain);
        var verifier = new LedgerStreamVerifier(linked, now, options.Value.MaxUnanchoredAge);
        await foreach (var (entry, recordedAt) in ledger.ReadRecordedAsync(book, 1, cancellationToken).ConfigureAwait(false))
        {
            verifier.Add(entry, recordedAt);
        }

        var head = await ledger.HeadAsync(book, cancellationToken).ConfigureAwait(false);
        problems.AddRange(linkProblems.Concat(verifier.Complete(head.LastSequence, head.LastHash)).OrderBy(p => p.Sequence).Select(ToAudit));

        // The table is a cache of the chain: a row the chain does not back is reported, never believed.
        var byRange = linked.ToDictionary(a => a.Content.ToSeq);
        int pending = 0;
        foreach (var row in await anchors.ListAsync(book, cancellationToken).ConfigureAwait(false))
        {
            string subject = $"anchor {row.FromSeq}-{row.ToSeq}";
            byRange.TryGetValue(row.ToSeq, out var match);
            bool backed = match is not null && match.Content == row.Content;
            if (row.Status == AnchorStatus.Confirmed && (!backed || !onChain.Any(a => a.Signature == row.Signature && a.Content == row.Content)))
            {
                problems.Add(new("AnchorNotOnChain", subject,
                    $"the anchors table records transaction {row.Signature} with root {row.RootHex}, but no anchor memo signed by {key} carries that"));
            }
            else if (row.Status == AnchorStatus.Pending && !backed)
            {
                pending++;
                if (match is not null)
                {
                    problems.Add(new("AnchorRowMismatch", subject, $"pending row with root {row.RootHex}, the chain anchors this range with root {match.Content.RootHex}"));
                }
                else if (now - row.CreatedAt > options.Value.AnchorGrace)
                {
                    problems.Add(new("AnchorStale", subject, $"pending since {row.CreatedAt:u}, longer than the grace period {options.Value.AnchorGrace}"));
                }
            }
        }

        return new LedgerAuditResult(verifier.Entries, linked.Count, pending, problems) { Authority = key?.ToString(), Ledger = authority.LedgerName };
    }

    private static AuditProblem ToAudit(LedgerProblem p) =>
        new(p.Kind.ToString(), p.EntryId ?? string.Create(CultureInfo.InvariantCulture, $"sequence {p.Sequence}"), p.Message);

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

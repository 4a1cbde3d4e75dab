namespace Billing.Application.Ledger;

/// <summary>Reconcile's second look at the invoices it found something wrong with.</summary>
public sealed partial class LedgerAudit
{
    /// <summary>Invoices whose rows are read again at once (six reads each).</summary>
    private const int ConfirmsAtOnce = 8;

    /// <summary>
    /// <paramref name="findings"/> with those of one invoice (<paramref name="invoiceOf"/>) confirmed. The scans read each kind of
    /// row at its own moment, while a payment, credit note or refund writes several kinds one after the other: a finding that
    /// only compares two moments of that work (a burn read after its payment, an invoice read before it) is about nothing
    /// wrong. So each such invoice's rows are read again, together, once the scans are done, and its findings recomputed: one
    /// that is still there is real and reported as it reads now; one that is gone was work in flight, and is not reported.
    /// Only invoices with findings are read again, a few at once. One whose rows can no longer be read (or that is gone)
    /// keeps what the scans found: the next run reports the row.
    /// </summary>
    private async Task<List<AuditProblem>> ConfirmAsync(
        List<AuditProblem> findings, Dictionary<AuditProblem, string> invoiceOf, Func<string, bool> booked, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var again = new System.Collections.Concurrent.ConcurrentDictionary<string, List<AuditProblem>?>(StringComparer.Ordinal);
        var options = new ParallelOptions { MaxDegreeOfParallelism = ConfirmsAtOnce, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(invoiceOf.Values.Distinct(StringComparer.Ordinal), options,
            async (id, ct) => again[id] = await FindingsNowAsync(id, booked, now, ct).ConfigureAwait(false)).ConfigureAwait(false);

        // The same finding twice (a refund per currency) is matched by its detail first, then by kind and subject.
        var kept = new AuditProblem?[findings.Count];
        for (int i = 0; i < findings.Count; i++)
        {
            kept[i] = invoiceOf.TryGetValue(findings[i], out var id) && again[id] is { } current ? Take(current, findings[i], exact: true) : findings[i];
        }

        for (int i = 0; i < findings.Count; i++)
        {
            kept[i] ??= Take(again[invoiceOf[findings[i]]]!, findings[i], exact: false);
        }

        return [.. kept.OfType<AuditProblem>()];
    }

    /// <summary>The finding of <paramref name="now"/> that is still <paramref name="then"/>, taken out of it; null when none is.</summary>
    private static AuditProblem? Take(List<AuditProblem> now, AuditProblem then, bool exact)
    {
        int i = now.FindIndex(f => f.Kind == then.Kind && f.Subject == then.Subject && (!exact || f.Detail == then.Detail));
        if (i < 0)
        {
            return null;
        }

        var still = now[i];
        now.RemoveAt(i);
        return still;
    }

    /// <summary>
    /// The findings of invoice <paramref name="id"/> from its rows as they are now (booked entries as the scan read them: the book
    /// only grows); null when a row cannot be read, or the invoice is not there.
    /// </summary>
    private async Task<List<AuditProblem>?> FindingsNowAsync(string id, Func<string, bool> booked, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            if (await invoices.GetAsync(InvoiceId.Parse(id), cancellationToken).ConfigureAwait(false) is not { } invoice)
            {
                return null;
            }

            var paid = await payments.ListAsync(id, cancellationToken).ConfigureAwait(false);
            var (state, stateETag) = await payments.GetStateAsync(id, cancellationToken).ConfigureAwait(false);
            var burnList = await burns.ListAsync(id, cancellationToken).ConfigureAwait(false);
            var (notes, _) = await credits.GetStateAsync(id, cancellationToken).ConfigureAwait(false);
            var charges = await refunds.OfInvoiceAsync(id, cancellationToken).ConfigureAwait(false);
            var disputes = await refunds.Disputes.OfInvoiceAsync(id, cancellationToken).ConfigureAwait(false);
            var rows = new InvoiceRows(invoice, burnList.Items, burnList.Unreadable.Any(u => u.Id == BurnIntent.IdFor(id)), paid, stateETag is null ? null : state, notes, charges, disputes);
            return [.. rows.Findings(booked, now), .. RefundFindings.OfInvoice(id, charges, notes, rows.Overpaid)];
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException)
        {
            return null;
        }
    }
}

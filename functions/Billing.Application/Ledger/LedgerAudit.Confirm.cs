namespace Billing.Application.Ledger;

/// <summary>Reconcile's second look at the invoices it found something wrong with.</summary>
public sealed partial class LedgerAudit
{
    /// <summary>Invoices whose rows are read again at once (six reads each).</summary>
    private const int ConfirmsAtOnce = 8;

    /// <summary>Most reads of an invoice's rows after the scans: two that agree end it sooner.</summary>
    private const int MaxConfirmReads = 3;

    /// <summary>
    /// <paramref name="findings"/> with those of one invoice (<paramref name="invoiceOf"/>) confirmed. The scans read each kind of
    /// row at its own moment, while a payment, credit note, refund or release writes several kinds one after the other: a finding
    /// that only compares two moments of that work (a burn read after its payment, an invoice read before it) is about nothing
    /// wrong. So each such invoice's rows are read again, together, once the scans are done, and its findings recomputed: one
    /// that is gone was work in flight, and is not reported. One read of six rows can itself fall across a write (a burn read just
    /// before its release, the notes just after), so the rows are read until two reads in a row give the same findings (at most
    /// <see cref="MaxConfirmReads"/>); a finding is reported, as the last read has it, only when every read found it. Only invoices
    /// with findings are read again, a few at once. One whose rows can no longer be read (or that is gone) keeps what the reads
    /// before found: the next run reports the row.
    /// </summary>
    private async Task<List<AuditProblem>> ConfirmAsync(
        List<AuditProblem> findings, Dictionary<AuditProblem, string> invoiceOf, Func<string, bool> booked, DateTimeOffset now, CancellationToken cancellationToken)
    {
        AuditProblem?[] kept = [.. findings];
        var open = invoiceOf.Values.ToHashSet(StringComparer.Ordinal);
        var previous = new Dictionary<string, List<AuditProblem>>(StringComparer.Ordinal);
        var options = new ParallelOptions { MaxDegreeOfParallelism = ConfirmsAtOnce, CancellationToken = cancellationToken };
        for (int read = 1; read <= MaxConfirmReads && open.Count > 0; read++)
        {
            var again = new System.Collections.Concurrent.ConcurrentDictionary<string, List<AuditProblem>?>(StringComparer.Ordinal);
            await Parallel.ForEachAsync(open, options, async (id, ct) => again[id] = await FindingsNowAsync(id, booked, now, ct).ConfigureAwait(false)).ConfigureAwait(false);
            var left = again.Where(a => a.Value is not null).ToDictionary(a => a.Key, a => new List<AuditProblem>(a.Value!), StringComparer.Ordinal);

            // The same finding twice (a refund per currency) is matched by its detail first, then by kind and subject.
            var matched = new AuditProblem?[kept.Length];
            var reread = new bool[kept.Length];
            for (int i = 0; i < kept.Length; i++)
            {
                reread[i] = kept[i] is not null && invoiceOf.TryGetValue(findings[i], out var id) && left.ContainsKey(id);
                matched[i] = reread[i] ? Take(left[invoiceOf[findings[i]]], kept[i]!, exact: true) : kept[i];
            }

            for (int i = 0; i < kept.Length; i++)
            {
                kept[i] = reread[i] ? matched[i] ?? Take(left[invoiceOf[findings[i]]], kept[i]!, exact: false) : matched[i];
            }

            // Done with an invoice whose rows cannot be read now, with nothing left to confirm, or read twice alike.
            var stillFound = Enumerable.Range(0, kept.Length).Where(i => kept[i] is not null && invoiceOf.ContainsKey(findings[i]))
                .Select(i => invoiceOf[findings[i]]).ToHashSet(StringComparer.Ordinal);
            foreach (var (id, current) in again)
            {
                if (current is null || !stillFound.Contains(id) || (previous.TryGetValue(id, out var before) && Same(before, current)))
                {
                    open.Remove(id);
                }
                else
                {
                    previous[id] = current;
                }
            }
        }

        return [.. kept.OfType<AuditProblem>()];
    }

    /// <summary>Whether two reads of an invoice found the same findings, in any order.</summary>
    private static bool Same(List<AuditProblem> a, List<AuditProblem> b) => a.Count == b.Count && Sorted(a).SequenceEqual(Sorted(b));

    private static IEnumerable<AuditProblem> Sorted(List<AuditProblem> findings) =>
        findings.OrderBy(f => f.Kind, StringComparer.Ordinal).ThenBy(f => f.Subject, StringComparer.Ordinal).ThenBy(f => f.Detail, StringComparer.Ordinal);

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
            string burnId = BurnIntent.IdFor(id);
            var rows = new InvoiceRows(invoice, burnList.Items, burnList.Unreadable.Any(u => u.Id == burnId), paid, stateETag is null ? null : state, notes, charges);
            return [.. rows.Findings(booked, now), .. RefundFindings.OfInvoice(id, charges, notes), .. CreditNoteFindings.OfBurn(id, notes, burnList.Items.FirstOrDefault(b => b.Id == burnId))];
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException)
        {
            return null;
        }
    }
}

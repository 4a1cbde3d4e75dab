using Billing.Domain;
using Billing.Domain.Events;
using Billing.Domain.Invoicing;

namespace Billing.Cli.Ledger;

/// <summary>
/// What <c>billing invoices verify</c> holds an anchored entry to: the entry the platform books for the invoice it
/// showed (<see cref="LedgerEntries.InvoiceFinalized"/>), rebuilt here from that invoice's own figures. Comparing the
/// total in minor units alone passed an invoice shown in another currency, with another total string, payer, period or
/// plan, or with its money moved between lines, as long as <c>totalMinor</c> stayed the anchored one.
/// </summary>
internal static class InvoiceEntryCheck
{
    /// <summary>Every way the shown <paramref name="invoice"/> differs from the anchored <paramref name="entry"/>; empty when it is the booked one.</summary>
    public static IReadOnlyList<string> Problems(InvoiceResponse invoice, LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        ArgumentNullException.ThrowIfNull(entry);
        var problems = new List<string>();
        if (!Currency.TryFromCode(invoice.Currency, out Currency? currency))
        {
            return [$"the invoice's currency '{invoice.Currency}' is not one the platform bills in"];
        }

        Invoice shown;
        LedgerEntryDraft? booked;
        try
        {
            var id = InvoiceId.Parse(invoice.Id);
            var lines = invoice.Lines?.Select(l => new InvoiceLine(
                l.Meter, l.Description, l.Group, l.Quantity, l.Unit, decimal.Parse(l.UnitPrice, NumberStyles.Number, CultureInfo.InvariantCulture), Money.Parse(l.Amount, currency)));
            shown = new Invoice(id, invoice.Plan, InvoiceStatus.Finalized, currency, lines ?? throw new FormatException("the invoice has no lines"));
            // Inside the try: the account rules refuse meters and payers an invoice line or id does not (a forged answer).
            booked = LedgerEntries.InvoiceFinalized(shown, entry.OccurredAt);
            if (Money.Parse(invoice.Total ?? "", currency).MinorUnits != invoice.TotalMinor)
            {
                problems.Add($"the invoice shows total {invoice.Total} {invoice.Currency} but totalMinor {invoice.TotalMinor}");
            }
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException or InvalidOperationException)
        {
            return [$"the invoice cannot be read as one the platform books: {ex.Message}"];
        }

        if (shown.Total.MinorUnits != invoice.TotalMinor)
        {
            problems.Add($"the invoice's lines add up to {shown.Total} {invoice.Currency}, its total says {invoice.TotalMinor} minor units");
        }

        if (invoice.Payer != shown.Payer
            || !Rfc3339.TryParse(invoice.Period?.Start, out DateTimeOffset start) || start != shown.Period.Start
            || !Rfc3339.TryParse(invoice.Period?.End, out DateTimeOffset end) || end != shown.Period.End)
        {
            problems.Add($"the invoice shows payer {invoice.Payer} and period {invoice.Period?.Start} – {invoice.Period?.End}, its id {invoice.Id} says {shown.Payer} and {shown.Period}");
        }

        if (booked is null)
        {
            problems.Add($"the invoice books nothing (every line zero), yet entry {entry.EntryId} is anchored for it");
            return problems;
        }

        foreach (var (key, value) in booked.Metadata)
        {
            string? anchored = entry.Metadata.GetValueOrDefault(key);
            if (anchored != value)
            {
                problems.Add($"entry {entry.EntryId} books {key} {anchored ?? "(none)"}, the invoice shows {value}");
            }
        }

        static string Postings(IEnumerable<Posting> postings) =>
            string.Join(", ", postings.OrderBy(p => p.Account, StringComparer.Ordinal).ThenBy(p => p.Asset, StringComparer.Ordinal)
                .Select(p => $"{p.Account} {p.Amount.ToString(CultureInfo.InvariantCulture)} {p.Asset}"));
        string expected = Postings(booked.Postings);
        string actual = Postings(entry.Postings);
        if (expected != actual)
        {
            problems.Add($"entry {entry.EntryId} posts {actual}; the invoice's lines post {expected}");
        }

        return problems;
    }
}

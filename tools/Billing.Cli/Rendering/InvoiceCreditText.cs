namespace Billing.Cli.Rendering;

/// <summary>
/// What an invoice's money did besides its lines, for <see cref="Renderers.Invoice"/>: paid, credited before payment and
/// remaining (so a remainder below the total less the payments reads with its reason), what the credit notes credit, and
/// every credit note. Amounts in major units with the currency, as the total; only what the API answers, never zeros it left out.
/// </summary>
internal static class InvoiceCreditText
{
    /// <summary>The header rows after the total: each present in the answer, a credit only when it is not zero.</summary>
    public static IEnumerable<(string Label, string? Value)> Totals(InvoiceResponse? invoice)
    {
        if (invoice is null)
        {
            yield break;
        }

        string currency = invoice.Currency;
        if (invoice.AmountPaid is { } paid)
        {
            yield return ("paid", Amounts.Major(paid, currency));
        }

        if (invoice.PrePaymentCredited is { } before && invoice.PrePaymentCreditedMinor is not 0)
        {
            yield return ("credited before payment", Amounts.Major(before, currency));
        }

        if (invoice.AmountRemaining is { } remaining)
        {
            yield return ("remaining", Amounts.Major(remaining, currency));
        }

        if (invoice.Credited is { } credited && invoice.CreditedMinor is not 0)
        {
            yield return ("credited by credit notes", Amounts.Major(credited, currency));
        }
    }

    /// <summary>The credit notes, oldest first as the API lists them; nothing when there are none.</summary>
    public static void Notes(IAnsiConsole console, InvoiceResponse? invoice)
    {
        var notes = invoice?.CreditNotes ?? [];
        if (notes.Count == 0)
        {
            return;
        }

        var table = new FittedTable()
            .Column("credit note", shorten: v => Ids.Abbreviate(v, 8)).Column("issued", dropOrder: 1).Column("amount", right: true).Column("effect");
        foreach (var n in notes)
        {
            table.Row(n.Id, n.IssuedAt, Amounts.Major(n.Amount, n.Currency), Effect(n));
        }

        console.Write(table.Build(console.Profile.Width, "credit notes"));
    }

    /// <summary>What a note did: void, not applied (why), or where its amount went (as the invoice PDF says it).</summary>
    private static string Effect(InvoiceCreditNoteView note)
    {
        if (note.Status == "void")
        {
            return note.VoidedAt is { } at ? $"void since {at}" : "void";
        }

        if (!note.Applied)
        {
            return $"not applied ({note.Reason})";
        }

        var parts = new (long Minor, string What)[]
        {
            (note.PrePaymentMinor, "off the amount due"),
            (note.RefundedMinor, "refunded"),
            (note.CustomerBalanceMinor, "to the customer balance"),
            (note.OutOfBandMinor, "credited outside Stripe"),
        }.Where(p => p.Minor != 0).Select(p => $"{Amounts.Minor(p.Minor, note.Currency)} {p.What}").ToList();
        return parts.Count == 0 ? "applied" : string.Join("; ", parts);
    }
}

using Billing.Domain.Events;

namespace Billing.Domain.Invoicing;

/// <summary>
/// Invoice id <c>INV-{payer}-{yyyyMM}</c>; a reissue (revision n ≥ 1) appends <c>-r{n}</c>,
/// e.g. <c>INV-carrier-tmo-202610</c>, <c>INV-carrier-tmo-202610-r1</c>.
/// </summary>
public readonly record struct InvoiceId
{
    public InvoiceId(string payer, BillingPeriod period, int revision = 0)
    {
        ValidatePayer(payer);
        ArgumentOutOfRangeException.ThrowIfNegative(revision);
        Payer = payer;
        Period = period;
        Revision = revision;
    }

    public string Payer { get; }

    public BillingPeriod Period { get; }

    /// <summary>0 for the original invoice, n for the n-th reissue.</summary>
    public int Revision { get; }

    /// <summary>The id of the next reissue of this invoice.</summary>
    public InvoiceId NextRevision() => new(Payer, Period, checked(Revision + 1));

    public override string ToString() =>
        Revision == 0
            ? $"INV-{Payer}-{Period.ToCompactString()}"
            : string.Create(CultureInfo.InvariantCulture, $"INV-{Payer}-{Period.ToCompactString()}-r{Revision}");

    /// <summary>Parses the form produced by <see cref="ToString"/>; throws <see cref="FormatException"/> otherwise.</summary>
    public static InvoiceId Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        FormatException Bad() => new($"'{text}' is not an invoice id; expected INV-{{payer}}-{{yyyyMM}}[-r{{n}}].");
        if (!text.StartsWith("INV-", StringComparison.Ordinal))
        {
            throw Bad();
        }

        string rest = text[4..];
        int revision = 0;
        int r = rest.LastIndexOf("-r", StringComparison.Ordinal);
        if (r > 0 && rest.Length - r - 2 is > 0 and <= 9 && rest.AsSpan(r + 2).IndexOfAnyExceptInRange('0', '9') < 0
            && rest[r + 2] != '0')
        {
            revision = int.Parse(rest.AsSpan(r + 2), NumberStyles.None, CultureInfo.InvariantCulture);
            rest = rest[..r];
        }

        if (rest.Length < 8 || rest[^7] != '-')
        {
            throw Bad();
        }

        string payer = rest[..^7];
        BillingPeriod period;
        try
        {
            period = BillingPeriod.ParseCompact(rest[^6..]);
            return new InvoiceId(payer, period, revision);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw Bad();
        }
    }

    /// <summary>Why <paramref name="payer"/> cannot be the payer of an invoice id, or null when it can.</summary>
    public static string? PayerProblem(string? payer)
    {
        if (string.IsNullOrWhiteSpace(payer))
        {
            return "must not be empty";
        }

        for (int i = 0; i < payer.Length; i++)
        {
            // Format characters and separators draw as nothing: a payer that reads like another one (Stripe metadata
            // naming "INV-carrier-tmo\u200B-…") must not parse as an invoice id. By code point, for tag characters.
            if (char.IsWhiteSpace(payer[i]) || CloudEventsText.DrawsAsNothing(CharUnicodeInfo.GetUnicodeCategory(payer, i)))
            {
                return "must not contain whitespace, control or format characters";
            }
        }

        return null;
    }

    private static void ValidatePayer(string payer)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(payer);
        if (PayerProblem(payer) is { } problem)
        {
            throw new ArgumentException($"Payer id '{payer}' {problem}.", nameof(payer));
        }
    }
}

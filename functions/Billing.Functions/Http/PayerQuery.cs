namespace Billing.Functions.Http;

/// <summary>
/// The check every route that takes <c>?payer=</c> makes once the caller may read that payer: an id that names no
/// partner (a typo, a wrong case) is a 400 naming <c>payer</c>, not an empty answer that reads as "no usage" or "no
/// invoices". A disabled partner is still a partner: its history stays readable. Made after the 403 for a payer
/// naming another, so a payer learns nothing of which ids exist; usage makes it for finance only (a provider, which may
/// name any payer, would learn it).
/// </summary>
public static class PayerQuery
{
    /// <summary>The 400 problem when <paramref name="payer"/> names no partner; null when it names one.</summary>
    public static async Task<Problem?> UnknownAsync(PartnerDirectory partners, string payer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partners);
        return await partners.IsPartnerAsync(payer, cancellationToken).ConfigureAwait(false)
            ? null
            : Problem.BadRequest("payer names no partner", new FieldError("payer", $"'{payer}' is not a partner of this platform (ids are exact, case included)"));
    }
}

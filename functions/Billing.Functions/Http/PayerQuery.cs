namespace Billing.Functions.Http;

/// <summary>
/// The check every route that takes <c>?payer=</c> makes once the caller may read that payer: an id that names no
/// partner (a typo, a wrong case) is a 400 naming <c>payer</c>, not an empty answer that reads as "no usage" or "no
/// invoices". A disabled partner is still a partner: its history stays readable. So is a payer whose partner row was
/// removed outside the platform while its audit trail or invoices remain: it is read, and the answer carries
/// <see cref="PayerQueryHeaders.RowMissing"/> saying the row is missing. Made after the 403 for a payer naming another,
/// so a payer learns nothing of which ids exist; usage makes it for finance only (a provider, which may name any payer,
/// would learn it).
/// </summary>
public static class PayerQuery
{
    /// <summary>
    /// The 400 problem when <paramref name="payer"/> names no partner and nothing of it is stored; null when the route goes
    /// on (having set <see cref="PayerQueryHeaders.RowMissing"/> when the payer's row is missing).
    /// </summary>
    public static async Task<Problem?> UnknownAsync(PayerRecords payers, HttpContext http, string payer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payers);
        ArgumentNullException.ThrowIfNull(http);
        switch (await payers.StandingAsync(payer, cancellationToken).ConfigureAwait(false))
        {
            case PayerStanding.Unknown:
                return Problem.BadRequest("payer names no partner", new FieldError("payer", $"'{payer}' is not a partner of this platform (ids are exact, case included)"));
            case PayerStanding.RowMissing:
                http.Response.Headers[PayerQueryHeaders.RowMissing] = PayerQueryHeaders.RowMissingText;
                return null;
            default:
                return null;
        }
    }

    /// <summary>Declares <see cref="PayerQueryHeaders.RowMissing"/> on a route's 200 answer (the OpenAPI document lists it).</summary>
    public static RouteHandlerBuilder ProducesRowMissingHeader(this RouteHandlerBuilder builder) =>
        builder.ProducesHeader(StatusCodes.Status200OK, PayerQueryHeaders.RowMissing,
            "Present only when the payer named has no partner row while its audit trail or invoices remain (the row was removed outside the platform, a storage problem to report): the answer is what is stored for the payer; the value says so in words.");
}

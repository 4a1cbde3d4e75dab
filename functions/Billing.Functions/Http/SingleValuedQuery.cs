namespace Billing.Functions.Http;

/// <summary>
/// Every query parameter of the API takes one value (a list, like <c>groupBy</c>, is one comma-separated value), so a
/// parameter given more than once is refused with 400 naming it. Without this a repeat was read as one value: ASP.NET
/// joins repeats with ',', so <c>payer=a&amp;payer=b</c> read as the payer "a,b" and answered an empty list rather than
/// an error. Names are case-insensitive, so <c>payer</c> and <c>PAYER</c> are one parameter given twice. The filter of
/// <see cref="DeclaredQuery"/> applies this rule with its own, on every keyed route.
/// </summary>
public static class SingleValuedQuery
{
    /// <summary>The reason given for each repeated parameter.</summary>
    public const string Reason = "is given more than once; every query parameter takes one value (a list is one comma-separated value)";

    /// <summary>The problem detail when repeats are the only mistake.</summary>
    public const string Detail = "a query parameter is given more than once";
}

using Billing.Domain;
using Billing.Functions.Infrastructure;

namespace Billing.Functions.VerifyRollups;

/// <summary>The <c>?payer=&amp;month=yyyy-MM</c> both rollup routes take; a missing or malformed one is a 400 naming it.</summary>
internal static class RollupsRequest
{
    public static Problem? TryParse(HttpContext http, out string payer, out BillingPeriod month)
    {
        month = default;
        payer = http.Request.Query["payer"].ToString();
        if (payer.Length == 0)
        {
            return Problem.BadRequest("payer is required", new FieldError("payer", "required: the payer whose rollups to check"));
        }

        string text = http.Request.Query["month"].ToString();
        return BillingPeriod.TryParse(text, out month)
            ? null
            : Problem.BadRequest($"'{text}' is not a month", new FieldError("month", "must be yyyy-MM, e.g. 2026-10"));
    }
}

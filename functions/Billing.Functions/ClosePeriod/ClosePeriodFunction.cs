using System.Text.Json.Nodes;
using Billing.Domain;
using Billing.Domain.Partners;
using Billing.Functions.Infrastructure;
using Billing.Functions.Invoicing;

namespace Billing.Functions.ClosePeriod;

/// <summary>POST /api/v1/periods/{yyyy-MM}/close (finance): finalize every payer's invoice for the period. Idempotent.</summary>
public sealed class ClosePeriodFunction(PartnerDirectory partners, PeriodCloser closer)
{
    public async Task<IResult> InvokeAsync(HttpRequest request, string period, CancellationToken cancellationToken)
    {
        var caller = await partners.AuthenticateAsync(request, cancellationToken).ConfigureAwait(false);
        if (caller is null)
        {
            return Problem.Unauthorized().ToResult();
        }

        if (caller.Role != PartnerRole.Finance)
        {
            return Problem.Forbidden("only finance may close a period").ToResult();
        }

        if (!BillingPeriod.TryParse(period, out var billingPeriod))
        {
            return Problem.BadRequest($"'{period}' is not a period", new FieldError("period", "must be yyyy-MM, e.g. 2026-10")).ToResult();
        }

        try
        {
            var invoices = await closer.CloseAsync(billingPeriod, cancellationToken).ConfigureAwait(false);
            var body = new JsonObject { ["period"] = billingPeriod.ToString(), ["invoices"] = InvoiceSummary.ToJson(invoices) };
            return Results.Text(body.ToJsonString(), "application/json");
        }
        catch (PeriodNotEndedException ex)
        {
            return new Problem(409, "Period not ended", ex.Message, [new FieldError("period", "has not ended")]).ToResult();
        }
    }
}

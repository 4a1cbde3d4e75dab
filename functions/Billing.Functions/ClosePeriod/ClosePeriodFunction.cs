using System.Text.Json.Nodes;
using Billing.Domain;
using Billing.Domain.Partners;
using Billing.Functions.Infrastructure;
using Billing.Functions.Invoicing;

namespace Billing.Functions.ClosePeriod;

/// <summary>
/// POST /api/v1/periods/{yyyy-MM}/close[?force=true] (finance): finalize every payer's invoice for the period. Idempotent.
/// <c>force</c> lifts the age and first-usage rules (<see cref="PeriodRefusedException"/>).
/// </summary>
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

        bool force = false;
        if (request.Query.TryGetValue("force", out var forceText) && (forceText.Count != 1 || !bool.TryParse(forceText[0], out force)))
        {
            return Problem.BadRequest($"'{forceText}' is not a boolean", new FieldError("force", "must be true or false")).ToResult();
        }

        try
        {
            var result = await closer.CloseAsync(billingPeriod, force, cancellationToken).ConfigureAwait(false);
            var body = new JsonObject { ["period"] = billingPeriod.ToString(), ["invoices"] = InvoiceSummary.ToJson(result.Invoices) };
            if (result.Failed.Count > 0)
            {
                body["failed"] = new JsonArray(result.Failed.Select(f => (JsonNode)new JsonObject { ["payer"] = f.Key, ["reason"] = f.Value }).ToArray());
            }

            return Results.Text(body.ToJsonString(), "application/json");
        }
        catch (PeriodNotEndedException ex)
        {
            return new Problem(409, "Period not ended", ex.Message, [new FieldError("period", "has not ended")]).ToResult();
        }
        catch (PeriodRefusedException ex)
        {
            return new Problem(409, "Period not closable", ex.Message, [new FieldError("period", "outside the closable window; force=true overrides")]).ToResult();
        }
        catch (CloseInProgressException ex)
        {
            return new Problem(409, "Close in progress", ex.Message).ToResult();
        }
    }
}

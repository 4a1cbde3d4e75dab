using Billing.Contracts.Periods;

namespace Billing.Functions.ClosePeriod;

/// <summary>
/// POST /api/v1/periods/{yyyy-MM}/close[?force=true] (finance): finalize every payer's invoice for the period. Idempotent.
/// <c>force</c> lifts the age and first-usage rules (<see cref="PeriodRefusedException"/>).
/// </summary>
public sealed class ClosePeriodFunction(PeriodCloser closer)
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/periods/{period}/close", (HttpContext http, string period, ClosePeriodFunction f, CancellationToken ct) => f.InvokeAsync(http, period, ct))
            .Produces<PeriodCloseResponse>()
            .Query(new QueryParameter("force", "true: close a month that ended too long ago or before the first usage, which is otherwise refused (409).", JsonSchemaType.Boolean))
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict)
            .RequireRoles("only finance may close a period", PartnerRole.Finance);

    public async Task<Results<JsonHttpResult<PeriodCloseResponse>, JsonHttpResult<ApiProblem>>> InvokeAsync(HttpContext http, string period, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!BillingPeriod.TryParse(period, out var billingPeriod))
        {
            return Problem.BadRequest($"'{period}' is not a period", new FieldError("period", "must be yyyy-MM, e.g. 2026-10")).ToResult();
        }

        bool force = false;
        if (http.Request.Query.TryGetValue("force", out var forceText) && (forceText.Count != 1 || !bool.TryParse(forceText[0], out force)))
        {
            return Problem.BadRequest($"'{forceText}' is not a boolean", new FieldError("force", "must be true or false")).ToResult();
        }

        try
        {
            var result = await closer.CloseAsync(billingPeriod, force, cancellationToken).ConfigureAwait(false);
            var failed = result.Failed.Count > 0 ? result.Failed.Select(f => new PeriodCloseFailure(f.Key, f.Value)).ToList() : null;
            return ApiResults.Json(
                new PeriodCloseResponse(billingPeriod.ToString(), InvoiceResponses.Summaries(result.Invoices), failed),
                BillingJsonContext.Default.PeriodCloseResponse);
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
        catch (CloseRecordUnreadableException ex)
        {
            // The period's close record was changed outside the platform: which payers it closed is unknown, so nothing is
            // closed on a guess. Deleting the row is safe: a close returns the invoices that exist and decides the rest again.
            // Any other row a close cannot read (an InvalidDataException: a lease, a rollup, a ledger row) is the
            // storage-integrity 500 of UnhandledErrors, which names no row to the caller.
            return Problem.StorageIntegrity(409, "Close record unreadable", $"{ex.Message}; repair or delete that row, then close the period again",
                new FieldError("period", "its close record cannot be read")).ToResult();
        }
    }
}

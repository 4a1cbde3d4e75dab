using Billing.Application.Usage;

namespace Billing.Functions.QueryUsage;

/// <summary>
/// GET /api/v1/usage. HTTP in and out only, so the host forwards the request as-is (enableForwardingHttpRequest).
/// Payers read their own usage, providers the usage they reported, finance everything.
/// An answer that needs a fact row this platform did not write, or rollups deleted beside their facts, is a 500 problem that says so, never a sum without it.
/// </summary>
public sealed partial class QueryUsageFunction(UsageQuery query, TimeProvider time, MeterCatalog meters, ILogger<QueryUsageFunction> logger)
{
    public const string Name = "QueryUsage";
    private static readonly TimeSpan MaxRange = TimeSpan.FromDays(400);

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/usage", (HttpContext http, QueryUsageFunction f, CancellationToken ct) => f.InvokeAsync(http, ct))
            .Produces<UsageQueryResponse>()
            .Query(
                new("payer", "The payer whose usage to read; a payer's own id by default (and only its own), required of providers and finance."),
                new("meter", $"The meter; by default {Meters.OffloadBytes} for carriers, {Meters.ComputeGpuSeconds} for tenants and providers; required of finance."),
                new("window", "The buckets of the answer (default day).", Values: ["hour", "day", "month"]),
                QueryInstants.Parameter("from", "Usage at or after this instant; default the start of the current month"),
                QueryInstants.Parameter("to", "Usage before this instant, at most 400 days after from; default the start of the next month"),
                new("groupBy", "Dimensions of the meter to group by, comma-separated (one value, e.g. hotspot,rat)."))
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status500InternalServerError)
            .RequireRoles("every partner may query usage", Enum.GetValues<PartnerRole>()); // who reads whose usage is decided below

    public async Task<Results<JsonHttpResult<UsageQueryResponse>, JsonHttpResult<ApiProblem>>> InvokeAsync(HttpContext http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        var caller = http.Caller();
        var q = http.Request.Query;
        var errors = new List<FieldError>();

        string? payer = NullIfEmpty(q["payer"]);
        if (payer is null)
        {
            if (caller.IsPayer)
            {
                payer = caller.Id;
            }
            else
            {
                errors.Add(new("payer", "is required"));
            }
        }

        string meterName = NullIfEmpty(q["meter"]) ?? caller.Role switch
        {
            PartnerRole.Carrier => Meters.OffloadBytes,
            PartnerRole.Tenant or PartnerRole.Provider => Meters.ComputeGpuSeconds,
            _ => "",
        };
        var meter = meters.Find(meterName);
        if (meter is null)
        {
            errors.Add(new("meter", meterName.Length == 0 ? "is required" : $"unknown meter '{meterName}'; one of {string.Join(", ", meters.All.Select(m => m.Name))}"));
        }

        // By name only: Enum.TryParse also took "1", "hour,day" (and so window=day&window=hour) as day.
        var window = NullIfEmpty(q["window"])?.ToLowerInvariant() switch
        {
            null or "day" => UsageWindow.Day,
            "hour" => UsageWindow.Hour,
            "month" => UsageWindow.Month,
            _ => (UsageWindow?)null,
        };
        if (window is null)
        {
            errors.Add(new("window", "must be hour, day or month"));
        }

        var now = time.GetUtcNow();
        var monthStart = UsageRollup.WindowStart(now, UsageWindow.Month);
        var from = ParseTime(q["from"], "from", monthStart, errors);
        var to = ParseTime(q["to"], "to", monthStart.AddMonths(1), errors);
        if (from >= to)
        {
            errors.Add(new("to", "must be after from"));
        }
        else if (to - from > MaxRange)
        {
            errors.Add(new("to", $"the range may span at most {MaxRange.TotalDays:0} days"));
        }

        var groupBy = (NullIfEmpty(q["groupBy"]) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (meter is not null && groupBy.FirstOrDefault(g => !meter.Dimensions.Contains(g)) is { } badGroup)
        {
            errors.Add(new("groupBy", $"'{badGroup}' is not a dimension of {meter.Name}; one of {string.Join(", ", meter.Dimensions)}"));
        }
        else if (groupBy.GroupBy(g => g, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            errors.Add(new("groupBy", $"'{twice.Key}' is named twice"));
        }

        if (errors.Count > 0)
        {
            return new Problem(400, "Invalid query", "one or more query parameters are invalid", errors).ToResult();
        }

        bool mayRead = caller.Role == PartnerRole.Finance || caller.Role == PartnerRole.Provider || payer == caller.Id;
        if (!mayRead)
        {
            return Problem.Forbidden($"'{caller.Id}' may read only its own usage").ToResult();
        }

        IReadOnlyList<UsageRow> rows;
        try
        {
            rows = await query.RunAsync(caller, payer!, meter!, window!.Value, from, to, groupBy, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            // Which row and why goes to the log (finance locates it with verify), not to whichever partner asked.
            LogUnreadable(logger, payer!, ex.Message);
            return new Problem(500, "Stored usage unreadable",
                $"part of the stored usage this answer needs cannot be read or does not reconcile (changed outside this platform), so no total is given; " +
                $"finance locates it with `billing rollups verify --payer {payer} --month yyyy-MM`").ToResult();
        }

        return ApiResults.Json(
            new UsageQueryResponse(
                payer!,
                meter!.Name,
                Rfc3339.Format(from),
                Rfc3339.Format(to),
                window.Value.ToString().ToLowerInvariant(),
                rows.Select(r => new UsageRowResponse(Rfc3339.Format(r.WindowStart), r.Group, Quantity(r.Quantity))).ToList()),
            BillingJsonContext.Default.UsageQueryResponse);
    }

    /// <summary>An exact JSON integer: a decimal holds any quantity a month of very large sessions can reach (beyond <c>long</c>).</summary>
    private static decimal Quantity(Int128 quantity) => (decimal)quantity;

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    private static DateTimeOffset ParseTime(string? text, string field, DateTimeOffset fallback, List<FieldError> errors)
    {
        if (!QueryInstants.TryParse(text, fallback, out var value))
        {
            errors.Add(new(field, QueryInstants.Reason));
        }

        return value;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Usage of {Payer} not answered: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string payer, string reason);
}

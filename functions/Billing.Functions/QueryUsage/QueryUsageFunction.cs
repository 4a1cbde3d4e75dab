using Billing.Application.Usage;

namespace Billing.Functions.QueryUsage;

/// <summary>
/// GET /api/v1/usage. HTTP in and out only, so the host forwards the request as-is (enableForwardingHttpRequest).
/// Payers read their own usage, providers the usage they reported, finance everything. A payer that names no partner,
/// or a query past what one may read (<see cref="UsageLimits"/>), is a 400 naming the field.
/// An answer that needs a fact row this platform did not write, or rollups deleted beside their facts, is a 500 problem that says so, never a sum without it.
/// </summary>
public sealed partial class QueryUsageFunction(UsageQuery query, TimeProvider time, MeterCatalog meters, PayerRecords payers, ILogger<QueryUsageFunction> logger)
{
    public const string Name = "QueryUsage";
    private static readonly TimeSpan MaxRange = TimeSpan.FromDays(400);

    /// <summary>
    /// A partner's usage queries answered at once on one instance; one more is 429 with Retry-After. A query may read a
    /// month of hourly rows: several at once from one partner would take the instance that also meters for everyone.
    /// </summary>
    public const int MaxInFlightPerPartner = 4;

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/usage", (HttpContext http, QueryUsageFunction f, CancellationToken ct) => f.InvokeAsync(http, ct))
            .Produces<UsageQueryResponse>()
            .ProducesRowMissingHeader()
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status500InternalServerError)
            .Query(
                new("payer", "The payer whose usage to read (a payer reads only its own; default: the caller). For finance, one that names no partner is a 400 naming `payer` (a provider gets no rows, as for a payer it never reported for); a disabled partner is still read."),
                new("meter", "The meter (default: offload.bytes for carriers, compute.gpu_seconds for tenants and providers)."),
                new("window", "Rows per hour, day or month (UTC).", Values: ["hour", "day", "month"]),
                new("from", "Start, inclusive (RFC 3339, or yyyy-MM-dd for midnight UTC; default: the current month's start)."),
                new("to", string.Create(CultureInfo.InvariantCulture, $"End, exclusive (default: the next month's start). At most {MaxRange.TotalDays:0} days after `from`; at most {UsageLimits.Default.MaxFactSpan.TotalDays:0} days of the range may be read from the usage events themselves (MAX and LATEST meters, UNIQUE_COUNT by hour or day, the partial months of UNIQUE_COUNT by month, buckets too many-grouped for a hotspot or lease grouping); and an answer has at most {UsageLimits.Default.MaxRows:N0} rows. Beyond: 400 naming `to` with the limit and how to narrow.")),
                new("groupBy", "Comma-separated dimensions of the meter to group by, e.g. hotspot,rat."))
            .RequireRoles("every partner may query usage", Enum.GetValues<PartnerRole>()) // who reads whose usage is decided below
            .LimitInFlightPerPartner(MaxInFlightPerPartner);

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

        // Finance only: a provider reads just what it reported, for any payer, so an id that names no partner is answered as
        // one it never reported for (a 400 would tell it which ids exist, finance's too).
        if (caller.Role == PartnerRole.Finance && payer != caller.Id
            && await PayerQuery.UnknownAsync(payers, http, payer!, cancellationToken).ConfigureAwait(false) is { } unknown)
        {
            return unknown.ToResult();
        }

        IReadOnlyList<UsageRow> rows;
        try
        {
            rows = await query.RunAsync(caller, payer!, meter!, window!.Value, from, to, groupBy, cancellationToken).ConfigureAwait(false);
        }
        catch (UsageQueryTooLargeException ex)
        {
            return new Problem(400, "Query too large", "the query reads or answers more than one query may", [new(ex.Field, ex.Reason)]).ToResult();
        }
        catch (InvalidDataException ex)
        {
            // Which row and why goes to the log (finance locates it with verify), not to whichever partner asked.
            LogUnreadable(logger, payer!, ex.Message);
            return ApiProblems.StorageIntegrity("Stored usage unreadable",
                $"part of the stored usage this answer needs cannot be read or does not reconcile (changed outside this platform), so no total is given; " +
                $"finance locates it with `billing rollups verify --payer {payer} --month yyyy-MM`");
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

using Billing.Application.Resilience;

namespace Billing.Functions.Http;

/// <summary>
/// The last line for API routes: an exception no route caught becomes problem+json instead of an empty 500. A request
/// the server could not read (<see cref="BadHttpRequestException"/>) answers the 4xx the server gives it. A transient
/// one (<see cref="TransientFailures"/>) answers 503 with Retry-After, so clients and the CLI retry; stored data that cannot
/// be read or is missing (<see cref="InvalidDataException"/>, <see cref="PartnerRowMissingException"/>, which the stores
/// throw for rows changed or removed outside the platform) answers the storage-integrity 500
/// (<see cref="Problem.StorageIntegrity(string, string)"/>), which clients do not retry; anything else answers 500 with the trace id that
/// finds it in the log. The exception's message is logged, never sent: it can name rows,
/// accounts and settings.
/// </summary>
public static partial class UnhandledErrors
{
    public const int RetryAfterSeconds = 5;

    public static IApplicationBuilder UseUnhandledErrors(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
                                   && !context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(UnhandledErrors).FullName!);
            string traceId = System.Diagnostics.Activity.Current?.Id ?? context.TraceIdentifier;
            Problem problem;
            if (ex is BadHttpRequestException bad)
            {
                // The server refused the request as sent (a body that stalls, is cut short or runs past its limit): the
                // client's mistake, with the status the server gives it, not a failure of ours.
                LogUnreadable(logger, bad, context.Request.Method, context.Request.Path, bad.StatusCode);
                string reason = bad.StatusCode switch
                {
                    StatusCodes.Status408RequestTimeout => "the body arrived too slowly and was not read to its end; send the request again",
                    StatusCodes.Status413PayloadTooLarge => "the body is larger than the server reads",
                    _ => "the request could not be read as sent (a body cut short, or framing the server refuses)",
                };
                problem = new Problem(bad.StatusCode, Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(bad.StatusCode), reason, [new FieldError("$", reason)]);
            }
            else if (ex is InvalidDataException or PartnerRowMissingException)
            {
                // Stored data the request needs cannot be read or is missing (changed or removed outside the platform): the
                // same answer every time until it is repaired, typed so that clients do not retry it. Which row goes to the log.
                LogStorageIntegrity(logger, ex, context.Request.Method, context.Request.Path, traceId);
                problem = Problem.StorageIntegrity("Stored data unreadable",
                    $"stored data this request needs cannot be read or is missing (changed or removed outside this platform), so it is not answered; " +
                    $"sending it again gets the same answer until it is repaired; the operator finds the row in the log under trace {traceId}");
            }
            else if (TransientFailures.IsTransient(ex))
            {
                LogTransient(logger, ex, context.Request.Method, context.Request.Path, traceId);
                context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                problem = new Problem(StatusCodes.Status503ServiceUnavailable, "Try again", $"a service the platform depends on is busy or unreachable right now; nothing was lost, retry after {RetryAfterSeconds} seconds (trace {traceId})");
            }
            else
            {
                LogFailed(logger, ex, context.Request.Method, context.Request.Path, traceId);
                problem = new Problem(StatusCodes.Status500InternalServerError, "Internal error", $"the request failed unexpectedly; the operator finds the cause in the log under trace {traceId}");
            }

            context.Response.StatusCode = problem.Status;
            context.Response.ContentType = Problem.ContentType;
            await context.Response.WriteAsync(problem.ToJson(), context.RequestAborted).ConfigureAwait(false);
        }
    });

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} could not be read as sent; answered {Status}")]
    private static partial void LogUnreadable(ILogger logger, Exception exception, string method, string path, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} failed transiently (trace {TraceId}); answered 503 with Retry-After")]
    private static partial void LogTransient(ILogger logger, Exception exception, string method, string path, string traceId);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} needs stored data that cannot be read or is missing (trace {TraceId}); answered 500 storage-integrity")]
    private static partial void LogStorageIntegrity(ILogger logger, Exception exception, string method, string path, string traceId);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed (trace {TraceId}); answered 500")]
    private static partial void LogFailed(ILogger logger, Exception exception, string method, string path, string traceId);
}

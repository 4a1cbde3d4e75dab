using System.Collections.Concurrent;

namespace Billing.Functions.Http;

/// <summary>
/// At most <c>limit</c> requests of one partner in flight on a route, per instance: one more is 429 problem+json with
/// <c>Retry-After</c>. An expensive read (a month of hourly usage) then cannot be multiplied by one partner on an instance
/// that also meters and answers every other partner. Add it after <c>RequireRoles</c>: it counts by the authenticated caller.
/// </summary>
public static class InFlightPerPartner
{
    /// <summary>Refuses a partner's request while <paramref name="limit"/> of its requests to this route are in flight here.</summary>
    public static RouteHandlerBuilder LimitInFlightPerPartner(this RouteHandlerBuilder builder, int limit)
    {
        var gate = new PartnerGate(limit);
        return builder
            .AddEndpointFilter((context, next) => gate.RunAsync(context.HttpContext.Caller().Id, context.HttpContext.Response, () => next(context)))
            .ProducesProblems(StatusCodes.Status429TooManyRequests);
    }
}

/// <summary>Counts one route's requests in flight per partner; a partner with none in flight holds no entry.</summary>
internal sealed class PartnerGate
{
    private readonly int _limit;
    private readonly ConcurrentDictionary<string, int> _inFlight = new(StringComparer.Ordinal);

    public PartnerGate(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        _limit = limit;
    }

    /// <summary>Requests of <paramref name="partnerId"/> in flight now.</summary>
    public int InFlight(string partnerId) => _inFlight.TryGetValue(partnerId, out int n) ? n : 0;

    public async ValueTask<object?> RunAsync(string partnerId, HttpResponse response, Func<ValueTask<object?>> next)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(next);
        if (!TryEnter(partnerId))
        {
            response.Headers.RetryAfter = "1";
            string reason = $"'{partnerId}' has {_limit} requests to this route in flight on this instance; retry when one has answered";
            return new Problem(StatusCodes.Status429TooManyRequests, "Too many requests", reason).ToResult();
        }

        try
        {
            return await next().ConfigureAwait(false);
        }
        finally
        {
            Exit(partnerId);
        }
    }

    private bool TryEnter(string partnerId)
    {
        while (true)
        {
            int n = _inFlight.GetOrAdd(partnerId, 0);
            if (n >= _limit)
            {
                return false;
            }

            // Fails when another request entered or left (the entry may have been removed meanwhile): read again.
            if (_inFlight.TryUpdate(partnerId, n + 1, n))
            {
                return true;
            }
        }
    }

    private void Exit(string partnerId)
    {
        while (true)
        {
            // The entry holds at least this request until it leaves, so it is there.
            int n = _inFlight[partnerId];
            if (n == 1 ? _inFlight.TryRemove(KeyValuePair.Create(partnerId, 1)) : _inFlight.TryUpdate(partnerId, n - 1, n))
            {
                return;
            }
        }
    }
}

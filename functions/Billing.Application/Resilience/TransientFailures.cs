using System.Net;
using Stripe;

namespace Billing.Application.Resilience;

/// <summary>
/// Which failures are worth retrying as they are: storage throttled or unreachable, a write race lost every attempt,
/// Stripe or the Solana RPC down or rate-limiting, a timeout. Everything else (bad data, a refused request, a bug) fails
/// the same way on every retry and must be reported instead.
/// </summary>
public static class TransientFailures
{
    public static bool IsTransient(Exception exception) => exception switch
    {
        RequestFailedException storage => storage.Status is 0 || IsTransientStatus(storage.Status),
        StripeException stripe => IsTransientStatus((int)stripe.HttpStatusCode) || Caused(stripe),
        SolanaRpcTransportException rpc => rpc.IsTransient,
        RowContentionException or LedgerContentionException or Payments.PaymentContentionException => true,
        HttpRequestException or TimeoutException => true,
        _ => false,
    };

    private static bool IsTransientStatus(int status) =>
        status is (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.TooManyRequests or >= 500 and not (int)HttpStatusCode.NotImplemented;

    // Stripe.net wraps a failed connection in its own exception.
    private static bool Caused(Exception exception) => exception.InnerException is HttpRequestException or TimeoutException or TaskCanceledException;
}

namespace Billing.Solana.Rpc;

/// <summary>
/// No usable JSON-RPC answer: connection failure, timeout, HTTP 429/5xx (after retries), or an unparsable body.
/// For sendTransaction the outcome is unknown: check the signature status before resending.
/// </summary>
public sealed class SolanaRpcTransportException : Exception
{
    public SolanaRpcTransportException(string message, bool isTransient, HttpStatusCode? statusCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        IsTransient = isTransient;
        StatusCode = statusCode;
    }

    public bool IsTransient { get; }

    public HttpStatusCode? StatusCode { get; }
}

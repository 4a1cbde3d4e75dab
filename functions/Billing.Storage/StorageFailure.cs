namespace Billing.Storage;

/// <summary>
/// Sorts storage errors into the two kinds the metering path treats differently (docs/design.md §4.2): a transient error fails
/// the invocation so the host's retry policy redelivers the batch; a deterministic one will fail the same way on every
/// retry, so the offending rows are isolated and set aside instead of blocking the partition forever.
/// </summary>
public static class StorageFailure
{
    /// <summary>
    /// True when the service refused the request itself: 400 (invalid input, property or entity too large, …), 413
    /// (request body too large) and the other 4xx, except those that say nothing about the rows: 408 (timeout), 409
    /// (conflict, handled by the caller), 412 (precondition), 429 (throttling), and 401/403/404 (credentials, role or a
    /// missing table: a deployment fault that every event would hit, so retrying until it is fixed is right).
    /// Anything without a status (connection refused, reset, DNS, timeout) and every 5xx is transient.
    /// </summary>
    public static bool IsDeterministic(Exception exception) => exception switch
    {
        RequestFailedException { Status: >= 400 and < 500 and not (401 or 403 or 404 or 408 or 409 or 412 or 429) } => true,
        _ => false,
    };

    /// <summary>One line for a quarantine reason: status, error code and the service's first message line.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        RequestFailedException r => $"storage refused the row: {r.Status} {r.ErrorCode} {FirstLine(r.Message)}".TrimEnd(),
        _ => exception.GetType().Name + ": " + FirstLine(exception.Message),
    };

    private static string FirstLine(string message)
    {
        int end = message.IndexOfAny(['\r', '\n']);
        string line = end < 0 ? message : message[..end];
        return line.Length <= 300 ? line : line[..300];
    }
}

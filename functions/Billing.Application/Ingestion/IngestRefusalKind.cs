namespace Billing.Application.Ingestion;

/// <summary>Why a usage request was refused as a whole (nothing published).</summary>
public enum IngestRefusalKind
{
    /// <summary>The caller's role may not post usage (HTTP 403).</summary>
    Forbidden,

    /// <summary>Over the request size or event count limit (HTTP 413).</summary>
    TooLarge,

    /// <summary>The Content-Type names no content mode this API reads, or contradicts the body (HTTP 415).</summary>
    UnsupportedMediaType,

    /// <summary>The body is empty, not JSON, or neither an event nor an array (HTTP 400).</summary>
    Malformed,

    /// <summary>Every event was rejected by validation (HTTP 400 with the rejections).</summary>
    NoEventAccepted,

    /// <summary>The accepted events could not be published right now (HTTP 503 with Retry-After; nothing accepted, retry is safe).</summary>
    Unavailable,
}

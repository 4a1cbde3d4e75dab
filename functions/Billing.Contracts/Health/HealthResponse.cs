namespace Billing.Contracts.Health;

/// <summary>GET /api/health: the handler is up (<c>{"status":"ok"}</c>).</summary>
public sealed record HealthResponse(string Status);

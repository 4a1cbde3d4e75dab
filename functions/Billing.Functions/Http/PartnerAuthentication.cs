namespace Billing.Functions.Http;

/// <summary>The HTTP side of <see cref="PartnerDirectory"/>: a forwarded request's caller, from its <c>X-Api-Key</c>.</summary>
public static class PartnerAuthentication
{
    /// <summary>The partner calling a forwarded HTTP request, from its <see cref="PartnerDirectory.ApiKeyHeader"/>; null when unknown.</summary>
    public static Task<Partner?> AuthenticateAsync(this PartnerDirectory partners, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partners);
        ArgumentNullException.ThrowIfNull(request);
        return partners.AuthenticateAsync(request.Headers[PartnerDirectory.ApiKeyHeader].ToString(), cancellationToken);
    }
}

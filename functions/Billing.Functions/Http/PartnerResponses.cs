namespace Billing.Functions.Http;

/// <summary>Partners and audit entries as the contract shows them (<c>Billing.Contracts.Partners</c>): key ids and dates, never a key or hash.</summary>
public static class PartnerResponses
{
    /// <summary>The 403 detail of every partner route.</summary>
    public const string Forbidden = "only finance manages partners and reads their audit trail";

    public static PartnerView View(PartnerRecord record, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(record);
        var (plan, pending) = PartnerManagement.Plans(record.Partner, now);
        return new PartnerView(
            record.Partner.Id,
            PartnerRules.Name(record.Partner.Role),
            plan,
            pending?.PlanId,
            Instant(pending?.From.Start),
            record.DisplayName,
            record.BillingEmail,
            record.StripeCustomerId,
            record.Partner.Status == PartnerStatus.Active ? "active" : "disabled",
            Instant(record.CreatedAt),
            [.. record.Keys.Where(k => k.IsValidAt(now)).Select(k => new PartnerKeyView(k.Id, Instant(k.CreatedAt), Instant(k.ExpiresAt)))])
        {
            Providers = record.Partner.Providers,
        };
    }

    public static AuditListResponse Audit(PartnerAuditPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return new AuditListResponse(
            [.. page.Entries.Select(e => new AuditEntryView(e.Id, Instant(e.At)!, e.Actor, e.PartnerId, e.Action, [.. e.Changes.Select(c => new AuditChangeView(c.Field, c.Before, c.After))]))],
            page.Next);
    }

    public static AuditVerifyResponse Verify(IReadOnlyList<PartnerAuditVerification> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        return new AuditVerifyResponse(
            results.All(r => r.Ok),
            [.. results.Select(r => new PartnerAuditVerifyView(
                r.PartnerId,
                r.Ok,
                r.Entries,
                r.Head,
                [.. r.Problems.Select(p => p.ToString())],
                [.. r.Problems.Select(p => new Billing.Contracts.Ledger.AuditFinding(p.Kind.ToString(), p.EntryId ?? "partner row", p.Message))],
                r.Unsettled))]);
    }

    public static string? Instant(DateTimeOffset? instant) =>
        instant?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}

namespace Billing.Application.Partners;

/// <summary>The row against its audit trail: the state the entries leave, plan changes and keys.</summary>
public sealed partial class PartnerAuditVerifier
{
    /// <summary>Replays the before/after values in order and compares what they leave with the row.</summary>
    private static void CheckState(IReadOnlyList<PartnerAuditEntry> entries, PartnerRecord record, List<PartnerAuditProblem> problems)
    {
        var state = new Dictionary<string, string?>(StringComparer.Ordinal);
        var planChanges = new List<PlanChange>();
        var keyIds = new HashSet<string>(StringComparer.Ordinal);
        var issuedDigests = new Dictionary<string, string?>(StringComparer.Ordinal);
        (bool Rotated, string? Until) retiredUntil = (false, null);
        foreach (var e in entries)
        {
            if (e.Changes.FirstOrDefault(c => c.Field == PartnerAuditChain.PreviousKeysValidUntilField) is { } until)
            {
                retiredUntil = (true, until.After); // each rotation sets when every key it kept stops (null: it kept none)
            }

            foreach (var c in e.Changes.Where(c => Tracked.Contains(c.Field)))
            {
                string? current = state.GetValueOrDefault(c.Field);
                if (c.Before != current)
                {
                    problems.Add(new(PartnerAuditProblemKind.ReplayMismatch, e.Id, $"{c.Field} changes from {Show(c.Before)}, but the entries before it leave {Show(current)}"));
                }

                state[c.Field] = c.After;
                if (c.Field == "keyId")
                {
                    if (c.After is { } issued)
                    {
                        // The key the entry issued, with the digest the same entry recorded for it (none before digests were audited).
                        issuedDigests[issued] = e.Changes.FirstOrDefault(d => d.Field == PartnerAuditChain.KeyDigestField)?.After;
                    }

                    foreach (string? id in new[] { c.Before, c.After })
                    {
                        if (id is not null)
                        {
                            keyIds.Add(id);
                        }
                    }
                }
            }

            ReplayPlanChange(e, planChanges, problems);
        }

        var p = record.Partner;
        var row = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["role"] = PartnerRules.Name(p.Role),
            ["plan"] = p.PlanId,
            ["status"] = p.Status == PartnerStatus.Active ? "active" : "disabled",
            ["displayName"] = record.DisplayName,
            ["billingEmail"] = record.BillingEmail,
            ["stripeCustomerId"] = record.StripeCustomerId,
            ["keyId"] = record.Keys.Count > 0 ? record.Keys[0].Id : null,
            [PartnerAuditChain.ProvidersField] = PartnerAuditChain.ProvidersText(p.Providers), // none on rows and trails from before grants
        };
        foreach (string field in Tracked)
        {
            string? audited = state.GetValueOrDefault(field);
            if (row[field] != audited)
            {
                problems.Add(new(PartnerAuditProblemKind.StateMismatch, null, $"the row has {field} {Show(row[field])}, the audit trail gives {Show(audited)}"));
            }
        }

        string rowPlans = Plans(p.PlanChanges);
        string auditedPlans = Plans(planChanges);
        if (rowPlans != auditedPlans)
        {
            problems.Add(new(PartnerAuditProblemKind.StateMismatch, null, $"the row has plan changes [{rowPlans}], the audit trail gives [{auditedPlans}]"));
        }

        foreach (var key in record.Keys.Skip(1).Where(k => !keyIds.Contains(k.Id)))
        {
            problems.Add(new(PartnerAuditProblemKind.StateMismatch, null, $"the row holds key {Show(key.Id)}, which the audit trail never issued"));
        }

        foreach (var key in record.Keys.Where(k => issuedDigests.GetValueOrDefault(k.Id) is { } digest && digest != PartnerAuditChain.KeyDigest(k.Hash)))
        {
            problems.Add(new(PartnerAuditProblemKind.StateMismatch, null, $"the row holds key {Show(key.Id)} with another hash than the audit trail issued it with: another key authenticates as this partner"));
        }

        CheckRetiredKeys(record, keyIds, retiredUntil, problems);
    }

    /// <summary>
    /// A rotated-out key works until its expiry, so an expiry moved later in the row (or removed) would keep a retired, perhaps
    /// leaked, key working: every retired key must stop by the time the last rotation recorded (audited to the second).
    /// </summary>
    private static void CheckRetiredKeys(PartnerRecord record, HashSet<string> issued, (bool Rotated, string? Until) retiredUntil, List<PartnerAuditProblem> problems)
    {
        DateTimeOffset? until = retiredUntil.Until is { } text
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : null;
        foreach (var key in record.Keys.Skip(1).Where(k => issued.Contains(k.Id))) // one the trail never issued is reported as such
        {
            DateTimeOffset? expires = key.ExpiresAt is { } e ? e.AddTicks(-(e.UtcTicks % TimeSpan.TicksPerSecond)) : null;
            if (expires is null || until is null || expires > until)
            {
                string allowed = !retiredUntil.Rotated ? "no rotation in the audit trail kept it" : until is null ? "the last rotation kept no key" : $"the last rotation kept keys until {until:O}";
                problems.Add(new(PartnerAuditProblemKind.StateMismatch, null,
                    $"the row lets retired key {Show(key.Id)} work until {(key.ExpiresAt is { } x ? x.ToString("O", CultureInfo.InvariantCulture) : "never")}, but {allowed}"));
            }
        }
    }

    /// <summary>A plan change replaces the pending change (at most one: plans change from the next period) by the new one.</summary>
    private static void ReplayPlanChange(PartnerAuditEntry e, List<PlanChange> planChanges, List<PartnerAuditProblem> problems)
    {
        var from = e.Changes.FirstOrDefault(c => c.Field == "pendingPlanFrom");
        var plan = e.Changes.FirstOrDefault(c => c.Field == "pendingPlan");
        if (from is null && plan is null)
        {
            return;
        }

        if (!Period(from?.Before, out var before) || !Period(from?.After, out var after))
        {
            problems.Add(new(PartnerAuditProblemKind.ReplayMismatch, e.Id, "pendingPlanFrom is not an instant"));
            return;
        }

        if (before is { } b)
        {
            int removed = planChanges.RemoveAll(c => c.From == b && c.PlanId == plan?.Before);
            if (removed == 0)
            {
                problems.Add(new(PartnerAuditProblemKind.ReplayMismatch, e.Id, $"replaces the pending plan {Show(plan?.Before)} from {b}, which the entries before it do not schedule"));
            }
        }

        if (after is { } a && plan?.After is { } next)
        {
            planChanges.Add(new PlanChange(a, next));
        }
    }

    private static bool Period(string? text, out BillingPeriod? period)
    {
        period = null;
        if (text is null)
        {
            return true;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
        {
            return false;
        }

        period = BillingPeriod.Containing(instant);
        return true;
    }

    private static string Plans(IEnumerable<PlanChange> changes) =>
        string.Join(", ", changes.OrderBy(c => c.From).Select(c => $"{c.PlanId} from {c.From}"));
}

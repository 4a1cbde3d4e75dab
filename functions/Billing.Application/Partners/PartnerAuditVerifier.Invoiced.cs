namespace Billing.Application.Partners;

/// <summary>What a partner's audit trail says of its billing role when its row is gone: whether it was invoiced.</summary>
public sealed partial class PartnerAuditVerifier
{
    /// <summary>
    /// Whether replaying <paramref name="trail"/>'s role and plan changes makes the partner invoiced (a payer with a price
    /// plan, <see cref="Partner.IsInvoiced"/>) at some time from <paramref name="since"/> on: a state counts from its entry
    /// until the next entry, and the last one until now. Null, with why, when the trail cannot tell: it has no entry, its
    /// chain does not verify (an entry changed, missing or reordered, a by-time copy that differs), a change starts from a
    /// value the entries before it do not leave, or a role is no role's name. The row, when there is one, is not looked at.
    /// </summary>
    internal static bool? InvoicedSince(PartnerAuditTrail trail, DateTimeOffset since, out string? why)
    {
        why = null;
        if (trail.Entries.Count == 0)
        {
            why = "it has no audit entries";
            return null;
        }

        // The chain alone: the row, when there is one, is what the caller asks about, not evidence of the trail.
        if (Verify(trail with { Record = null, Unreadable = null, ChangedWhileRead = 0 }).Problems.FirstOrDefault(p => p.Kind is not (PartnerAuditProblemKind.RowMissing or PartnerAuditProblemKind.RowUnreadable)) is { } broken)
        {
            why = "its audit trail does not verify: " + broken;
            return null;
        }

        var entries = trail.Entries.OrderBy(e => e.Sequence).ToList();
        var state = new Dictionary<string, string?>(StringComparer.Ordinal);
        bool invoiced = false;
        for (int i = 0; i < entries.Count; i++)
        {
            foreach (var c in entries[i].Changes.Where(c => c.Field is "role" or "plan"))
            {
                string? current = state.GetValueOrDefault(c.Field);
                if (c.Before != current)
                {
                    why = $"entry {entries[i].Id} changes {c.Field} from {Show(c.Before)}, but the entries before it leave {Show(current)}";
                    return null;
                }

                state[c.Field] = c.After;
            }

            string? role = state.GetValueOrDefault("role");
            if (role is not (null or "carrier" or "tenant" or "provider" or "finance"))
            {
                why = $"entry {entries[i].Id} makes its role {Show(role)}, which is no role";
                return null;
            }

            bool inForce = i == entries.Count - 1 || entries[i + 1].At > since;
            invoiced |= inForce && role is ("carrier" or "tenant") && state.GetValueOrDefault("plan") is not null;
        }

        return invoiced;
    }
}

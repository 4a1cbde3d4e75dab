using System.Buffers.Text;
using System.Security.Cryptography;

namespace Billing.Application.Partners;

/// <summary>
/// Partner onboarding and upkeep (finance): create, change plan (from the next period), profile, disable/enable, rotate
/// keys. Every change is stored together with its audit record (who, when, what; never a key), in one transaction.
/// A change made while another is in flight is re-read and re-applied (ETags), so none is lost.
/// </summary>
public sealed partial class PartnerManagement(
    PartnerStore store,
    PartnerDirectory directory,
    PlanCatalog catalog,
    IOptions<PartnerOptions> options,
    TimeProvider time,
    ILogger<PartnerManagement> logger)
{
    /// <summary>Rotated-out keys kept per partner at most; rotating faster than the overlap drops the oldest early.</summary>
    public const int MaxRetiredKeys = 20;

    /// <summary>Readable prefix of generated keys (so a leaked one is recognizable in a scan), then 32 random bytes base64url.</summary>
    public const string KeyPrefix = "dbk_";

    private const int MaxAttempts = 5;

    public Task<StoredList<PartnerRecord>> ListAsync(CancellationToken cancellationToken) => store.ListRecordsAsync(cancellationToken);

    public async Task<PartnerRecord> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (id.Length == 0 || TableKey.Escape(id).Length > PartnerOptionsValidator.MaxEscapedIdChars)
        {
            throw new PartnerNotFoundException(id.Length > 80 ? id[..80] + "…" : id); // no such id can exist; never a storage 400 for a long path
        }

        return await store.GetAsync(id, cancellationToken).ConfigureAwait(false) ?? throw new PartnerNotFoundException(id);
    }

    public async Task<CreatedPartner> CreateAsync(Partner caller, PartnerDraft draft, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(draft);
        var errors = new List<ValidationError>();
        PartnerRules.Id(draft.Id, errors);
        var role = PartnerRules.Role(draft.Role, errors);
        if (role is { } r)
        {
            PartnerRules.Plan(draft.Plan, r, catalog, errors);
        }

        PartnerRules.DisplayName(draft.DisplayName, required: true, errors);
        PartnerRules.BillingEmail(draft.BillingEmail, required: role is PartnerRole.Carrier or PartnerRole.Tenant, errors);
        PartnerRules.StripeCustomer(draft.StripeCustomerId, errors);
        var providers = role is { } payer ? await ProvidersAsync(draft.Providers, payer, errors, cancellationToken).ConfigureAwait(false) : null;
        if (errors.Count > 0)
        {
            throw new PartnerInputException(errors);
        }

        var now = time.GetUtcNow();
        var (apiKey, key) = NewKey(now);
        var record = new PartnerRecord(new Partner(draft.Id!, role!.Value, draft.Plan) { Providers = providers ?? [] }, [key])
        {
            DisplayName = draft.DisplayName,
            BillingEmail = draft.BillingEmail,
            StripeCustomerId = draft.StripeCustomerId,
            CreatedAt = now,
        };
        var audit = Audit(now, caller, record.Partner.Id, "create", 0,
        [
            new("role", null, PartnerRules.Name(record.Partner.Role)), new("plan", null, draft.Plan), new("displayName", null, draft.DisplayName),
            new("billingEmail", null, draft.BillingEmail), new("stripeCustomerId", null, draft.StripeCustomerId), new("status", null, "active"), new("keyId", null, key.Id),
            new(PartnerAuditChain.KeyDigestField, null, PartnerAuditChain.KeyDigest(key.Hash)),
            .. PartnerAuditChain.ProvidersText(record.Partner.Providers) is { } granted ? [new AuditChange(PartnerAuditChain.ProvidersField, null, granted)] : Array.Empty<AuditChange>(),
        ]);
        if (!await store.CreateAsync(record, audit, cancellationToken).ConfigureAwait(false))
        {
            throw new PartnerConflictException("id", $"a partner '{draft.Id}' exists already");
        }

        directory.Invalidate();
        LogCreated(logger, record.Partner.Id, record.Partner.Role, caller.Id);
        return new CreatedPartner(record, apiKey);
    }

    public async Task<PartnerRecord> UpdateAsync(Partner caller, string id, PartnerUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(update);
        var errors = new List<ValidationError>();
        PartnerRules.DisplayName(update.DisplayName, required: false, errors);
        PartnerRules.BillingEmail(update.BillingEmail, required: false, errors);
        PartnerRules.StripeCustomer(update.StripeCustomerId, errors);
        var status = PartnerRules.Status(update.Status, errors);
        if (update is { Plan: null, DisplayName: null, BillingEmail: null, StripeCustomerId: null, Status: null, ClearStripeCustomer: false, Providers: null })
        {
            errors.Add(new("$", "names no field to change: plan, displayName, billingEmail, stripeCustomerId, status or providers"));
        }

        if (errors.Count > 0)
        {
            throw new PartnerInputException(errors);
        }

        if (status == PartnerStatus.Disabled && id == caller.Id)
        {
            throw new PartnerConflictException("status", "a finance partner cannot disable itself; another finance partner can");
        }

        for (int attempt = 1; ; attempt++)
        {
            var before = await GetAsync(id, cancellationToken).ConfigureAwait(false);
            if (update.Plan is not null)
            {
                PartnerRules.Plan(update.Plan, before.Partner.Role, catalog, errors);
                if (errors.Count > 0)
                {
                    throw new PartnerInputException(errors);
                }

                KeepsCurrency(before.Partner, update.Plan, time.GetUtcNow());
            }

            if (update.Providers is not null)
            {
                update = update with { Providers = await ProvidersAsync(update.Providers, before.Partner.Role, errors, cancellationToken).ConfigureAwait(false) };
                if (errors.Count > 0)
                {
                    throw new PartnerInputException(errors);
                }
            }

            var now = time.GetUtcNow();
            var (after, audit) = Apply(caller, before, update, status, now);
            if (audit.Count == 0)
            {
                return before; // nothing changes: nothing to record
            }

            if (await store.UpdateAsync(before, after, audit, cancellationToken).ConfigureAwait(false))
            {
                directory.Invalidate();
                foreach (var a in audit)
                {
                    LogChanged(logger, id, a.Action, caller.Id);
                }

                return after with { ETag = default };
            }

            if (attempt == MaxAttempts)
            {
                throw new PartnerConflictException("id", $"partner '{id}' kept changing concurrently; retry");
            }
        }
    }

    /// <summary>
    /// The providers a payer of <paramref name="role"/> grants, as stored (<see cref="PartnerRules.Providers(IEnumerable{string})"/>), with
    /// what is wrong with them added to <paramref name="errors"/> (field <c>providers</c>): only a payer grants, each id
    /// once, at most <see cref="PartnerRules.MaxProviders"/>, each a registered partner that posts usage: a provider, or a
    /// carrier (a declared type a carrier posts may name a payer) (read from storage, not the cached
    /// directory: one registered on another instance a moment ago counts). Null when <paramref name="ids"/> is.
    /// </summary>
    private async Task<IReadOnlyList<string>?> ProvidersAsync(IReadOnlyList<string>? ids, PartnerRole role, List<ValidationError> errors, CancellationToken cancellationToken)
    {
        if (ids is null)
        {
            return null;
        }

        if (role is not (PartnerRole.Carrier or PartnerRole.Tenant))
        {
            errors.Add(new("providers", $"a {PartnerRules.Name(role)} is not billed: only a payer (carrier, tenant) grants providers to bill it"));
            return null;
        }

        int before = errors.Count;
        errors.AddRange(PartnerRules.ProvidersProblems(ids).Select(problem => new ValidationError("providers", problem)));
        if (ids.Count > PartnerRules.MaxProviders)
        {
            return null; // not looked up one by one
        }

        foreach (string id in ids.Distinct(StringComparer.Ordinal))
        {
            PartnerRecord? provider;
            try
            {
                provider = id.Length == 0 || TableKey.Escape(id).Length > PartnerOptionsValidator.MaxEscapedIdChars ? null : await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException)
            {
                errors.Add(new("providers", $"'{id}' cannot be granted: its partner record cannot be read (changed outside the platform)"));
                continue;
            }

            if (provider?.Partner.Role is not (PartnerRole.Provider or PartnerRole.Carrier))
            {
                errors.Add(new("providers", provider is null ? $"'{Shown(id)}' is not a registered partner" : $"'{id}' is a {PartnerRules.Name(provider.Partner.Role)}, which posts no usage: grant a provider (or a carrier posting a declared type that names its payer)"));
            }
        }

        return errors.Count > before ? null : PartnerRules.Providers(ids);
    }

    private static string Shown(string id) => id.Length > 80 ? id[..80] + "…" : id;

    /// <summary>
    /// A payer keeps one currency: corrections of a month are billed on a later month's invoice (late usage, however late),
    /// and an invoice has one currency, so a plan in another currency would fail every close of that payer from the first
    /// correction on, leaving its months unbilled.
    /// </summary>
    private void KeepsCurrency(Partner partner, string plan, DateTimeOffset now)
    {
        if (Plans(partner, now).Current is { } current && catalog.TryGet(current, out var inForce) && catalog.TryGet(plan, out var next)
            && next.Currency != inForce.Currency)
        {
            throw new PartnerConflictException("plan", $"'{plan}' bills in {next.Currency.Code}, and {partner.Id} is billed in {inForce.Currency.Code}: "
                + "corrections of earlier months go on later invoices, which have one currency, so a payer keeps its currency; "
                + $"register a new payer to bill in {next.Currency.Code}");
        }
    }

    /// <summary>
    /// Issues a new key. The keys it replaces keep working for <see cref="PartnerOptions.KeyRotationOverlap"/>, so the
    /// partner can switch without dropping usage; with <paramref name="revokePrevious"/> (a key that leaked) they stop now:
    /// on this instance at once, on others when their key cache expires (<see cref="PartnerOptions.CacheTtl"/>).
    /// </summary>
    public async Task<RotatedKey> RotateKeyAsync(Partner caller, string id, bool revokePrevious, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        for (int attempt = 1; ; attempt++)
        {
            var before = await GetAsync(id, cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            var until = now + options.Value.KeyRotationOverlap;
            var (apiKey, key) = NewKey(now);
            var stillValid = before.Keys
                .Select((k, i) => i == 0 ? k with { ExpiresAt = until } : k)
                .Where(k => k.IsValidAt(now))
                .Take(MaxRetiredKeys)
                .ToList();
            List<PartnerKey> previous = revokePrevious ? [] : stillValid;
            var after = before with { Keys = [key, .. previous] };
            DateTimeOffset? validUntil = previous.Count == 0 ? null : previous.Max(k => k.ExpiresAt);
            List<AuditChange> changes =
                [new("keyId", before.Keys.Count > 0 ? before.Keys[0].Id : null, key.Id), new(PartnerAuditChain.KeyDigestField, null, PartnerAuditChain.KeyDigest(key.Hash)),
                 new(PartnerAuditChain.PreviousKeysValidUntilField, null, Format(validUntil))];
            IReadOnlyList<string> revoked = revokePrevious ? [.. before.Keys.Where(k => k.IsValidAt(now)).Select(k => k.Id)] : [];
            if (revoked.Count > 0)
            {
                changes.Add(new("revokedKeys", null, string.Join(',', revoked))); // which keys stopped before their time, and who decided
            }

            var audit = Audit(now, caller, id, "key-rotation", 0, changes);
            if (await store.UpdateAsync(before, after, [audit], cancellationToken).ConfigureAwait(false))
            {
                directory.Invalidate();
                LogChanged(logger, id, audit.Action, caller.Id);
                return new RotatedKey(apiKey, key.Id, validUntil) { RevokedKeyIds = revoked };
            }

            if (attempt == MaxAttempts)
            {
                throw new PartnerConflictException("id", $"partner '{id}' kept changing concurrently; retry");
            }
        }
    }

    public async Task<PartnerAuditPage> AuditOfPartnerAsync(string id, string? after, int limit, CancellationToken cancellationToken)
    {
        _ = await GetAsync(id, cancellationToken).ConfigureAwait(false); // 404 for an unknown partner rather than an empty list
        return await store.AuditOfPartnerAsync(id, after, limit, cancellationToken).ConfigureAwait(false);
    }

    public Task<PartnerAuditPage> AuditAsync(DateTimeOffset from, DateTimeOffset to, string? after, int limit, CancellationToken cancellationToken) =>
        store.AuditAsync(from, to, after, limit, cancellationToken);

    /// <summary>The plan pricing the current period, and a change scheduled for a later one (at most one: changes start next period).</summary>
    public static (string? Current, PlanChange? Pending) Plans(Partner partner, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(partner);
        var current = BillingPeriod.Containing(now);
        return (partner.PlanFor(current), partner.PlanChanges.LastOrDefault(c => c.From > current));
    }

    private static (PartnerRecord After, List<PartnerAuditEntry> Audit) Apply(Partner caller, PartnerRecord before, PartnerUpdate update, PartnerStatus? status, DateTimeOffset now)
    {
        var partner = before.Partner;
        var audit = new List<PartnerAuditEntry>();
        if (update.Plan is { } plan)
        {
            // A plan applies from the next period: the current one was (and is) priced with the plan in force when it began.
            var next = BillingPeriod.Containing(now).Next;
            var kept = partner.PlanChanges.Where(c => c.From < next).ToList();
            var changed = partner with { PlanChanges = kept };
            if (changed.PlanFor(next) != plan)
            {
                changed = changed with { PlanChanges = [.. kept, new PlanChange(next, plan)] };
            }

            var (_, pendingBefore) = Plans(partner, now);
            var (_, pendingAfter) = Plans(changed, now);
            if (pendingBefore != pendingAfter)
            {
                audit.Add(Audit(now, caller, partner.Id, "plan-change", audit.Count,
                [
                    new("pendingPlan", pendingBefore?.PlanId, pendingAfter?.PlanId),
                    new("pendingPlanFrom", Format(pendingBefore?.From.Start), Format(pendingAfter?.From.Start)),
                ]));
                partner = changed;
            }
        }

        var profile = new List<AuditChange>();
        var record = before;
        if (update.DisplayName is { } name && name != before.DisplayName)
        {
            profile.Add(new("displayName", before.DisplayName, name));
            record = record with { DisplayName = name };
        }

        if (update.BillingEmail is { } email && email != before.BillingEmail)
        {
            profile.Add(new("billingEmail", before.BillingEmail, email));
            record = record with { BillingEmail = email };
        }

        string? customer = update.ClearStripeCustomer ? null : update.StripeCustomerId ?? before.StripeCustomerId;
        if (customer != before.StripeCustomerId)
        {
            profile.Add(new("stripeCustomerId", before.StripeCustomerId, customer));
            record = record with { StripeCustomerId = customer };
        }

        if (profile.Count > 0)
        {
            audit.Add(Audit(now, caller, partner.Id, "profile-change", audit.Count, profile));
        }

        if (update.Providers is { } providers && PartnerAuditChain.ProvidersText(providers) is var after && after != PartnerAuditChain.ProvidersText(partner.Providers))
        {
            // A grant decides who may bill the payer: its own entry, with the whole list before and after.
            audit.Add(Audit(now, caller, partner.Id, "providers-change", audit.Count, [new(PartnerAuditChain.ProvidersField, PartnerAuditChain.ProvidersText(partner.Providers), after)]));
            partner = partner with { Providers = providers };
        }

        if (status is { } s && s != partner.Status)
        {
            audit.Add(Audit(now, caller, partner.Id, s == PartnerStatus.Disabled ? "disable" : "enable", audit.Count,
                [new("status", partner.Status.ToString().ToLowerInvariant(), s.ToString().ToLowerInvariant())]));
            partner = partner with { Status = s };
        }

        return (record with { Partner = partner }, audit);
    }

    private static PartnerAuditEntry Audit(DateTimeOffset now, Partner caller, string partnerId, string action, int index, IReadOnlyList<AuditChange> changes)
    {
        return new PartnerAuditEntry(PartnerAuditEntry.NewId(now, index), now, caller.Id, partnerId, action, changes);
    }

    private static (string ApiKey, PartnerKey Key) NewKey(DateTimeOffset now)
    {
        string apiKey = KeyPrefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var key = new PartnerKey("key_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), PartnerStore.HashKey(apiKey), now, null);
        return (apiKey, key);
    }

    private static string? Format(DateTimeOffset? instant) => instant?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Information, Message = "Partner {PartnerId} ({Role}) created by {Actor}")]
    private static partial void LogCreated(ILogger logger, string partnerId, PartnerRole role, string actor);

    [LoggerMessage(Level = LogLevel.Information, Message = "Partner {PartnerId}: {Action} by {Actor}")]
    private static partial void LogChanged(ILogger logger, string partnerId, string action, string actor);
}

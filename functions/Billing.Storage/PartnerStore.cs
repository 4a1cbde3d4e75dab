namespace Billing.Storage;

/// <summary>
/// The partner registry. API keys are stored only as SHA-256 hashes (keys are long random secrets, so an unsalted
/// fast hash is adequate and lets us look a key up by its hash); the hash comparison is constant-time.
/// Rows (<see cref="PartnerRows"/>): <c>p|{id}</c> partner, <c>k|{keyHash}</c> key → partner id, and the audit trail
/// beside the partners, written in the same transaction as the change it records (Add only: never replaced).
/// </summary>
public sealed partial class PartnerStore(BillingTables tables, TimeProvider? time = null)
{
    private const int MaxAttempts = 5;

    private readonly TableClient table = tables.Partners;

    public static string HashKey(string apiKey) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));

    /// <summary>
    /// Local seeding: the configured role and base plan win; the key and the providers granted are installed when the
    /// configured ones are new or changed, so a key rotated or a grant changed through the API survives a restart with the
    /// same settings. Status, plan changes and profile are left as they are. What it changes is audited (action <c>seed</c>, actor
    /// <see cref="PartnerAuditEntry.SettingsActor"/>) and chained like any other change, in the same transaction.
    /// </summary>
    public async Task UpsertAsync(PartnerRegistration registration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var p = registration.Partner;
        string hash = HashKey(registration.ApiKey);
        var at = registration.At ?? (time ?? TimeProvider.System).GetUtcNow();
        for (int attempt = 1; ; attempt++)
        {
            var existing = await GetAsync(p.Id, cancellationToken).ConfigureAwait(false);
            var entity = new TableEntity(PartnerRows.PartnerPartition, TableKey.Escape(p.Id))
            {
                ["Role"] = p.Role.ToString(),
                ["PlanId"] = p.PlanId,
            };
            var changes = new List<AuditChange>();
            string role = p.Role.ToString().ToLowerInvariant();
            if (existing is null)
            {
                entity["CreatedAt"] = registration.At; // unknown stays unset, as before
                changes.Add(new("role", null, role));
                changes.Add(new("plan", null, p.PlanId));
                changes.Add(new("status", null, "active"));
            }
            else
            {
                if (existing.Partner.Role != p.Role)
                {
                    changes.Add(new("role", existing.Partner.Role.ToString().ToLowerInvariant(), role));
                }

                if (existing.Partner.PlanId != p.PlanId)
                {
                    changes.Add(new("plan", existing.Partner.PlanId, p.PlanId));
                }
            }

            bool newKey = existing?.SeedKeyHash != hash;
            if (newKey)
            {
                entity["KeyHash"] = hash;
                entity["KeyId"] = "seed";
                entity["KeyCreatedAt"] = registration.At;
                entity["SeedKeyHash"] = hash;
                changes.Add(new("keyId", existing is { Keys.Count: > 0 } ? existing.Keys[0].Id : null, "seed"));
                changes.Add(new(PartnerAuditChain.KeyDigestField, null, PartnerAuditChain.KeyDigest(hash)));
            }

            // The configured grants are installed when they change (as the key): a grant changed through the API survives
            // a restart with the same settings.
            string? providers = PartnerAuditChain.ProvidersText(p.Providers);
            if (providers != existing?.SeedProviders)
            {
                string? before = existing is null ? null : PartnerAuditChain.ProvidersText(existing.Partner.Providers);
                // None is written as such: a Merge cannot remove a property, so a null would keep the list it revokes.
                entity["Providers"] = providers ?? PartnerRows.NoProviders;
                entity["SeedProviders"] = providers ?? PartnerRows.NoProviders;
                if (before != providers)
                {
                    changes.Add(new(PartnerAuditChain.ProvidersField, before, providers));
                }
            }

            if (changes.Count == 0)
            {
                if (existing is null || providers == existing.SeedProviders)
                {
                    return; // the row already holds the settings: nothing to write or record
                }

                // The grants are already the configured ones (granted through the API): only remembered as seeded, nothing to audit.
                try
                {
                    await table.UpdateEntityAsync(new TableEntity(PartnerRows.PartnerPartition, TableKey.Escape(p.Id)) { ["SeedProviders"] = providers ?? PartnerRows.NoProviders }, existing.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (RequestFailedException ex) when (ex.Status is 412 or 404 && attempt < MaxAttempts)
                {
                    continue; // changed meanwhile: read again
                }
            }

            if (existing is not null && CountCannotFollow(existing, 1) is { } planted)
            {
                throw planted; // as for a change through the API: nothing is changed on a count that is no count
            }

            var audit = PartnerAuditChain.Link([new PartnerAuditEntry(PartnerAuditEntry.NewId(at, 0), at, PartnerAuditEntry.SettingsActor, p.Id, "seed", changes)], existing?.AuditHead, existing?.AuditCount);
            entity["AuditHead"] = audit[^1].Hash;
            entity["AuditCount"] = audit[^1].Sequence;
            if (newKey)
            {
                if (existing is { } old && old.Keys.Count > 0 && old.Keys[0].Hash != hash)
                {
                    await table.DeleteEntityAsync(PartnerRows.KeyPartition, old.Keys[0].Hash, cancellationToken: cancellationToken).ConfigureAwait(false); // the configured key changed
                }

                await table.UpsertEntityAsync(new TableEntity(PartnerRows.KeyPartition, hash) { ["PartnerId"] = p.Id }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            }

            // Add a new row, or merge (keeping everything else) under the ETag read, so a concurrent change re-reads.
            var change = existing is null
                ? new TableTransactionAction(TableTransactionActionType.Add, entity)
                : new TableTransactionAction(TableTransactionActionType.UpdateMerge, entity, existing.ETag);
            try
            {
                await SubmitAsync(change, [.. audit], cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412 or 404 && attempt < MaxAttempts)
            {
                // another instance seeded or changed the partner meanwhile: read again
            }
        }
    }

    /// <summary>
    /// Why the row's audit count cannot be followed by <paramref name="entries"/> more entries (null when it can): a count
    /// below zero, or one their sequences would overflow, was planted (one change may append several entries), so nothing
    /// is changed on it, through the API or by seeding.
    /// </summary>
    private InvalidDataException? CountCannotFollow(PartnerRecord before, int entries) =>
        before.AuditCount < 0 || before.AuditCount > long.MaxValue - entries
            ? new InvalidDataException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"partner row (table '{table.Name}', row '{TableKey.Escape(before.Partner.Id)}'), property 'AuditCount': {before.AuditCount} is not a count of audit entries this platform writes (changed outside the platform); restore it from the partner's audit trail (billing partners verify)"))
            : null;

    /// <summary>The payer's Stripe customer id, so every month's invoice goes to the same customer.</summary>
    public async Task<string?> GetStripeCustomerAsync(string partnerId, CancellationToken cancellationToken)
    {
        var row = await table.FindAsync(PartnerRows.PartnerPartition, TableKey.Escape(partnerId), ["StripeCustomerId"], cancellationToken).ConfigureAwait(false);
        return row is not null ? EntityText.Of(row, "StripeCustomerId") : null;
    }

    /// <summary>
    /// Remembers the payer's Stripe customer id, audited (actor <see cref="PartnerAuditEntry.StripeActor"/>) and chained
    /// like a finance change. Throws <see cref="RowContentionException"/> when other writers win every attempt: giving up
    /// quietly would let a later month, once Stripe's idempotency key has expired, create a second customer.
    /// </summary>
    public async Task SetStripeCustomerAsync(string partnerId, string customerId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        for (int attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            if (await GetAsync(partnerId, cancellationToken).ConfigureAwait(false) is not { } before || before.StripeCustomerId == customerId)
            {
                return;
            }

            var audit = new PartnerAuditEntry(PartnerAuditEntry.NewId(at, 0), at, PartnerAuditEntry.StripeActor, partnerId, "stripe-customer", [new("stripeCustomerId", before.StripeCustomerId, customerId)]);
            if (await UpdateAsync(before, before with { StripeCustomerId = customerId }, [audit], cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }

        throw new RowContentionException($"partner {partnerId}", MaxAttempts);
    }

    /// <inheritdoc cref="ListRecordsAsync"/>
    public async Task<StoredList<Partner>> ListAsync(CancellationToken cancellationToken)
    {
        var records = await ListRecordsAsync(cancellationToken).ConfigureAwait(false);
        return new([.. records.Items.Select(r => r.Partner)], records.Unreadable);
    }

    /// <summary>
    /// Every partner row (the key ranges around the audit rows, which never get read here); a row the registry cannot
    /// parse is listed apart, by partner id, so it never hides the others. A row under a key no partner id escapes to (a
    /// needless escape such as <c>carrier%2dtwin</c>, planted outside the platform) is listed apart by that key as stored:
    /// lookups by id never find it, and named by the id it unescapes to it would pass for a second row of that partner
    /// (the directory, a close and reconcile would each see one partner twice).
    /// </summary>
    public Task<StoredList<PartnerRecord>> ListRecordsAsync(CancellationToken cancellationToken) =>
        StoredRows.ReadAsync(table.QueryAsync<TableEntity>(PartnerRowsFilter, cancellationToken: cancellationToken), ReadListed,
            (row, reason) => IdOf(row.RowKey) is null ? new UnreadableRow(row.RowKey, reason.Message) : StoredRows.ByKey(row, reason));

    /// <summary>The partners' own rows: the key ranges around the audit rows (<c>|a|…</c>).</summary>
    private const string PartnerRowsFilter = "PartitionKey eq 'p' and (RowKey lt '|' or RowKey ge '}')";

    private static PartnerRecord ReadListed(TableEntity row) => IdOf(row.RowKey) is not null
        ? PartnerRows.ToRecord(row)
        : throw new RowValues(row, "partner").Unreadable("RowKey", "not the key this platform writes for any partner id (lookups by id never find it)");

    /// <summary>The partner's row; null when it has none. A row the registry cannot parse throws <see cref="InvalidDataException"/>.</summary>
    public async Task<PartnerRecord?> GetAsync(string partnerId, CancellationToken cancellationToken)
    {
        var row = await table.FindAsync(PartnerRows.PartnerPartition, TableKey.Escape(partnerId), null, cancellationToken).ConfigureAwait(false);
        return row is not null ? PartnerRows.ToRecord(row) : null;
    }

    /// <summary>Creates the partner with its audit record (the first link of its chain) in one transaction; false when the id exists.</summary>
    public async Task<bool> CreateAsync(PartnerRecord record, PartnerAuditEntry audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (await GetAsync(record.Partner.Id, cancellationToken).ConfigureAwait(false) is not null)
        {
            return false;
        }

        // The key row first: without its partner row (or with another partner's) it authenticates nobody.
        await AddKeyRowsAsync(record.Keys, record.Partner.Id, cancellationToken).ConfigureAwait(false);
        try
        {
            var linked = PartnerAuditChain.Link([audit], null, null);
            var chained = record with { AuditHead = linked[^1].Hash, AuditCount = linked.Count };
            await SubmitAsync(new TableTransactionAction(TableTransactionActionType.Add, PartnerRows.ToEntity(chained)), [.. linked], cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 409)
        {
            await DeleteKeyRowsAsync(record.Keys, cancellationToken).ConfigureAwait(false); // created concurrently by someone else
            return false;
        }
    }

    /// <summary>
    /// Replaces <paramref name="before"/> (by its ETag) with <paramref name="after"/> and appends the audit records, in one
    /// transaction; false when the row changed meanwhile (read again and retry). The records are chained after the head of
    /// <paramref name="before"/>, and the new head goes into the row: the ETag makes the changes of one partner a sequence.
    /// Key rows of new keys are added first, those of dropped keys removed after.
    /// </summary>
    public async Task<bool> UpdateAsync(PartnerRecord before, PartnerRecord after, IReadOnlyList<PartnerAuditEntry> audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(audit);
        var added = after.Keys.Where(k => !before.Keys.Any(b => b.Hash == k.Hash)).ToList();
        var dropped = before.Keys.Where(k => !after.Keys.Any(a => a.Hash == k.Hash)).ToList();
        if (CountCannotFollow(before, audit.Count) is { } planted)
        {
            throw planted;
        }

        await AddKeyRowsAsync(added, after.Partner.Id, cancellationToken).ConfigureAwait(false);
        try
        {
            var linked = PartnerAuditChain.Link(audit, before.AuditHead, before.AuditCount);
            var chained = linked.Count == 0 ? after : after with { AuditHead = linked[^1].Hash, AuditCount = linked[^1].Sequence };
            await SubmitAsync(new TableTransactionAction(TableTransactionActionType.UpdateReplace, PartnerRows.ToEntity(chained), before.ETag), [.. linked], cancellationToken).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 412 or 404)
        {
            await DeleteKeyRowsAsync(added, cancellationToken).ConfigureAwait(false);
            return false;
        }

        await DeleteKeyRowsAsync(dropped, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// The partner owning <paramref name="apiKey"/> if the key works at <paramref name="now"/> and the partner is active, else
    /// null. The key's partner row that the registry cannot parse throws <see cref="InvalidDataException"/>: the key may well
    /// be right, so the caller is told its record is unreadable rather than that its key is wrong; one removed while its
    /// audit trail remains throws <see cref="PartnerRowMissingException"/> for the same reason.
    /// </summary>
    public async Task<AuthenticatedPartner?> AuthenticateAsync(string apiKey, DateTimeOffset now, CancellationToken cancellationToken)
    {
        string hash = HashKey(apiKey);
        var keyRow = await table.GetEntityIfExistsAsync<TableEntity>(PartnerRows.KeyPartition, hash, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!keyRow.HasValue || EntityText.Of(keyRow.Value!, "PartnerId") is not { } id)
        {
            return null;
        }

        if (await GetAsync(id, cancellationToken).ConfigureAwait(false) is not { } record)
        {
            // A key row left by a crash before its partner was made names no trail: that key is simply unknown.
            return await HasAuditTrailAsync(id, cancellationToken).ConfigureAwait(false) ? throw new PartnerRowMissingException(id) : null;
        }

        // The partner row decides: a key row left by a rotation or a crash authenticates nothing on its own.
        byte[] presented = Encoding.ASCII.GetBytes(hash);
        PartnerKey? key = null;
        foreach (var candidate in record.Keys)
        {
            // Constant-time per key, in this method's body (not a lambda), where the security tests look for it.
            if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(candidate.Hash), presented))
            {
                key = candidate;
                break;
            }
        }

        if (key is null || !key.IsValidAt(now) || record.Partner.Status != PartnerStatus.Active)
        {
            return null;
        }

        return new AuthenticatedPartner(record.Partner, key.ExpiresAt);
    }

    private async Task SubmitAsync(TableTransactionAction change, PartnerAuditEntry[] audit, CancellationToken cancellationToken)
    {
        var actions = new List<TableTransactionAction> { change };
        actions.AddRange(audit.SelectMany(PartnerRows.AuditEntities).Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)));
        await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
    }

    private async Task AddKeyRowsAsync(IEnumerable<PartnerKey> keys, string partnerId, CancellationToken cancellationToken)
    {
        foreach (var key in keys)
        {
            await table.UpsertEntityAsync(new TableEntity(PartnerRows.KeyPartition, key.Hash) { ["PartnerId"] = partnerId }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DeleteKeyRowsAsync(IEnumerable<PartnerKey> keys, CancellationToken cancellationToken)
    {
        foreach (var key in keys)
        {
            await table.DeleteEntityAsync(PartnerRows.KeyPartition, key.Hash, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }
}

namespace Billing.Storage;

/// <summary>
/// The partner registry. API keys are stored only as SHA-256 hashes (keys are long random secrets, so an unsalted
/// fast hash is adequate and lets us look a key up by its hash); the hash comparison is constant-time.
/// Rows (<see cref="PartnerRows"/>): <c>p|{id}</c> partner, <c>k|{keyHash}</c> key → partner id, and the audit trail
/// beside the partners, written in the same transaction as the change it records (Add only: never replaced).
/// </summary>
public sealed class PartnerStore(BillingTables tables, TimeProvider? time = null)
{
    private const int MaxAttempts = 5;

    private readonly TableClient table = tables.Partners;

    public static string HashKey(string apiKey) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));

    /// <summary>
    /// Local seeding: the configured role and base plan win; the key is installed when the configured key is new or
    /// changed, so a key rotated through the API survives a restart with the same settings. Status, plan changes and
    /// profile are left as they are. What it changes is audited (action <c>seed</c>, actor
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

            if (changes.Count == 0)
            {
                return; // the row already holds the settings: nothing to write or record
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

    /// <summary>The payer's Stripe customer id, so every month's invoice goes to the same customer.</summary>
    public async Task<string?> GetStripeCustomerAsync(string partnerId, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(PartnerRows.PartnerPartition, TableKey.Escape(partnerId), select: ["StripeCustomerId"], cancellationToken).ConfigureAwait(false);
        return row.HasValue ? EntityText.Of(row.Value!, "StripeCustomerId") : null;
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

    public async Task<IReadOnlyList<Partner>> ListAsync(CancellationToken cancellationToken) =>
        [.. (await ListRecordsAsync(cancellationToken).ConfigureAwait(false)).Select(r => r.Partner)];

    /// <summary>Every partner row (two range queries around the audit rows, which never get read here).</summary>
    public async Task<IReadOnlyList<PartnerRecord>> ListRecordsAsync(CancellationToken cancellationToken)
    {
        var list = new List<PartnerRecord>();
        foreach (string filter in new[] { $"PartitionKey eq 'p' and RowKey lt '|'", $"PartitionKey eq 'p' and RowKey ge '}}'" })
        {
            await foreach (var e in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                list.Add(PartnerRows.ToRecord(e));
            }
        }

        return list;
    }

    public async Task<PartnerRecord?> GetAsync(string partnerId, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(PartnerRows.PartnerPartition, TableKey.Escape(partnerId), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? PartnerRows.ToRecord(row.Value!) : null;
    }

    /// <summary>
    /// The partner's audit head (last hash, entry count); both null when it has no row or no chain. Only those two columns
    /// are read, so a value elsewhere in the row that the registry cannot parse (which <see cref="GetAsync"/> throws on)
    /// does not stop whoever needs just the head.
    /// </summary>
    public async Task<(string? Head, long? Count)> AuditHeadAsync(string partnerId, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(PartnerRows.PartnerPartition, TableKey.Escape(partnerId), PartnerRows.AuditHeadColumns, cancellationToken).ConfigureAwait(false);
        return row.HasValue ? PartnerRows.AuditHead(row.Value!) : (null, null);
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

    /// <summary>The partner owning <paramref name="apiKey"/> if the key works at <paramref name="now"/> and the partner is active, else null.</summary>
    public async Task<AuthenticatedPartner?> AuthenticateAsync(string apiKey, DateTimeOffset now, CancellationToken cancellationToken)
    {
        string hash = HashKey(apiKey);
        var keyRow = await table.GetEntityIfExistsAsync<TableEntity>(PartnerRows.KeyPartition, hash, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!keyRow.HasValue || keyRow.Value!.GetString("PartnerId") is not { } id || await GetAsync(id, cancellationToken).ConfigureAwait(false) is not { } record)
        {
            return null;
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

    /// <summary>Audit entries of one partner, oldest first, after the cursor <paramref name="after"/> (an entry id).</summary>
    public Task<PartnerAuditPage> AuditOfPartnerAsync(string partnerId, string? after, int limit, CancellationToken cancellationToken)
    {
        string prefix = PartnerRows.AuditByPartner(partnerId);
        return AuditPageAsync(after is null ? prefix : prefix + after, after is not null, TableKey.After(prefix), limit, cancellationToken);
    }

    /// <summary>Audit entries of every partner made in [<paramref name="from"/>, <paramref name="to"/>), oldest first, after the cursor.</summary>
    public Task<PartnerAuditPage> AuditAsync(DateTimeOffset from, DateTimeOffset to, string? after, int limit, CancellationToken cancellationToken)
    {
        string lower = PartnerRows.AuditByTime + from.UtcTicks.ToString("D19", System.Globalization.CultureInfo.InvariantCulture);
        string upper = PartnerRows.AuditByTime + to.UtcTicks.ToString("D19", System.Globalization.CultureInfo.InvariantCulture);
        bool resume = after is not null && string.CompareOrdinal(PartnerRows.AuditByTime + after, lower) >= 0;
        return AuditPageAsync(resume ? PartnerRows.AuditByTime + after : lower, resume, upper, limit, cancellationToken);
    }

    /// <summary>
    /// The ids of every partner with a row or an audit trail: a trail whose partner row was deleted is listed too, so
    /// verification can report it.
    /// </summary>
    public async Task<IReadOnlyList<string>> AuditSubjectsAsync(CancellationToken cancellationToken)
    {
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string filter in new[] { "PartitionKey eq 'p' and RowKey lt '|'", "PartitionKey eq 'p' and RowKey ge '}'" })
        {
            await foreach (var e in table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                ids.Add(TableKey.Unescape(e.RowKey));
            }
        }

        const string prefix = "|a|p|";
        string byPartner = TableClient.CreateQueryFilter($"PartitionKey eq {PartnerRows.PartnerPartition} and RowKey ge {prefix} and RowKey lt {TableKey.After(prefix)}");
        await foreach (var e in table.QueryAsync<TableEntity>(byPartner, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            int end = e.RowKey.LastIndexOf(TableKey.Separator);
            if (end > prefix.Length)
            {
                ids.Add(TableKey.Unescape(e.RowKey[prefix.Length..end]));
            }
        }

        return [.. ids];
    }

    /// <summary>
    /// One partner's row, audit entries and their by-time copies, read again when the row changed meanwhile (so a change
    /// landing during the read is not mistaken for tampering); null when the partner has neither row nor entries.
    /// </summary>
    public async Task<PartnerAuditTrail?> AuditTrailAsync(string partnerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partnerId);
        for (int attempt = 1; ; attempt++)
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(PartnerRows.PartnerPartition, TableKey.Escape(partnerId), cancellationToken: cancellationToken).ConfigureAwait(false);
            var entries = new List<PartnerAuditEntry>();
            string prefix = PartnerRows.AuditByPartner(partnerId);
            string filter = TableClient.CreateQueryFilter($"PartitionKey eq {PartnerRows.PartnerPartition} and RowKey ge {prefix} and RowKey lt {TableKey.After(prefix)}");
            await foreach (var e in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                entries.Add(PartnerRows.ToAuditEntry(e));
            }

            var copies = new List<PartnerAuditEntry?>();
            foreach (var entry in entries)
            {
                var copy = entry.Id.Length == 0 ? null
                    : await table.GetEntityIfExistsAsync<TableEntity>(PartnerRows.PartnerPartition, PartnerRows.AuditByTime + entry.Id, cancellationToken: cancellationToken).ConfigureAwait(false);
                copies.Add(copy is { HasValue: true } ? PartnerRows.ToAuditEntry(copy.Value!) : null);
            }

            var again = await table.GetEntityIfExistsAsync<TableEntity>(PartnerRows.PartnerPartition, TableKey.Escape(partnerId), select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false);
            if ((row.HasValue ? row.Value!.ETag : default) != (again.HasValue ? again.Value!.ETag : default) && attempt < MaxAttempts)
            {
                continue;
            }

            if (!row.HasValue && entries.Count == 0)
            {
                return null;
            }

            var (record, unreadable) = row.HasValue ? Read(row.Value!) : (null, null);
            return new PartnerAuditTrail(partnerId, record, unreadable, entries, copies);
        }
    }

    private static (PartnerRecord? Record, string? Unreadable) Read(TableEntity row)
    {
        try
        {
            return (PartnerRows.ToRecord(row), null);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or System.Text.Json.JsonException or InvalidOperationException or NullReferenceException)
        {
            return (null, ex.Message); // a planted value the registry cannot parse: a finding, not a failed verification
        }
    }

    private async Task<PartnerAuditPage> AuditPageAsync(string lower, bool exclusive, string upper, int limit, CancellationToken cancellationToken)
    {
        string filter = exclusive
            ? TableClient.CreateQueryFilter($"PartitionKey eq {PartnerRows.PartnerPartition} and RowKey gt {lower} and RowKey lt {upper}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {PartnerRows.PartnerPartition} and RowKey ge {lower} and RowKey lt {upper}");
        var entries = new List<PartnerAuditEntry>();
        await foreach (var e in table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(limit + 1, 1000), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (entries.Count == limit)
            {
                return new PartnerAuditPage(entries, entries[^1].Id);
            }

            entries.Add(PartnerRows.ToAuditEntry(e));
        }

        return new PartnerAuditPage(entries, null);
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

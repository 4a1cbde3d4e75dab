using System.Security.Cryptography;
using System.Text;
using Billing.Domain.Partners;

namespace Billing.Storage;

/// <summary>
/// The partner registry. API keys are stored only as SHA-256 hashes (keys are long random secrets, so an unsalted
/// fast hash is adequate and lets us look a key up by its hash); the hash comparison is constant-time.
/// Rows (<see cref="PartnerRows"/>): <c>p|{id}</c> partner, <c>k|{keyHash}</c> key → partner id, and the audit trail
/// beside the partners, written in the same transaction as the change it records (Add only: never replaced).
/// </summary>
public sealed class PartnerStore(BillingTables tables)
{
    private readonly TableClient table = tables.Partners;

    public static string HashKey(string apiKey) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));

    /// <summary>
    /// Local seeding: the configured role and base plan win; the key is installed when the configured key is new or
    /// changed, so a key rotated through the API survives a restart with the same settings. Status, plan changes and
    /// profile are left as they are.
    /// </summary>
    public async Task UpsertAsync(PartnerRegistration registration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var p = registration.Partner;
        string hash = HashKey(registration.ApiKey);
        var existing = await GetAsync(p.Id, cancellationToken).ConfigureAwait(false);
        var entity = new TableEntity(PartnerRows.PartnerPartition, TableKey.Escape(p.Id))
        {
            ["Role"] = p.Role.ToString(),
            ["PlanId"] = p.PlanId,
        };
        if (existing is null)
        {
            entity["CreatedAt"] = registration.At;
        }

        if (existing?.SeedKeyHash != hash)
        {
            if (existing is { } old && old.Keys.Count > 0 && old.Keys[0].Hash != hash)
            {
                await table.DeleteEntityAsync(PartnerRows.KeyPartition, old.Keys[0].Hash, cancellationToken: cancellationToken).ConfigureAwait(false); // the configured key changed
            }

            await table.UpsertEntityAsync(new TableEntity(PartnerRows.KeyPartition, hash) { ["PartnerId"] = p.Id }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            entity["KeyHash"] = hash;
            entity["KeyId"] = "seed";
            entity["KeyCreatedAt"] = registration.At;
            entity["SeedKeyHash"] = hash;
        }

        await table.UpsertEntityAsync(entity, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false); // merge: keep everything else
    }

    /// <summary>The payer's Stripe customer id, so every month's invoice goes to the same customer.</summary>
    public async Task<string?> GetStripeCustomerAsync(string partnerId, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(PartnerRows.PartnerPartition, TableKey.Escape(partnerId), select: ["StripeCustomerId"], cancellationToken).ConfigureAwait(false);
        return row.HasValue ? row.Value!.GetString("StripeCustomerId") : null;
    }

    public Task SetStripeCustomerAsync(string partnerId, string customerId, CancellationToken cancellationToken) =>
        table.UpdateEntityAsync(new TableEntity(PartnerRows.PartnerPartition, TableKey.Escape(partnerId)) { ["StripeCustomerId"] = customerId }, ETag.All, TableUpdateMode.Merge, cancellationToken);

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

    /// <summary>Creates the partner with its audit record in one transaction; false when the id exists.</summary>
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
            await SubmitAsync(new TableTransactionAction(TableTransactionActionType.Add, PartnerRows.ToEntity(record)), audit, cancellationToken).ConfigureAwait(false);
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
    /// transaction; false when the row changed meanwhile (read again and retry). Key rows of new keys are added first,
    /// those of dropped keys removed after.
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
            await SubmitAsync(new TableTransactionAction(TableTransactionActionType.UpdateReplace, PartnerRows.ToEntity(after), before.ETag), [.. audit], cancellationToken).ConfigureAwait(false);
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
        return AuditPageAsync(after is null ? prefix : prefix + after, after is not null, PartnerRows.After(prefix), limit, cancellationToken);
    }

    /// <summary>Audit entries of every partner made in [<paramref name="from"/>, <paramref name="to"/>), oldest first, after the cursor.</summary>
    public Task<PartnerAuditPage> AuditAsync(DateTimeOffset from, DateTimeOffset to, string? after, int limit, CancellationToken cancellationToken)
    {
        string lower = PartnerRows.AuditByTime + from.UtcTicks.ToString("D19", System.Globalization.CultureInfo.InvariantCulture);
        string upper = PartnerRows.AuditByTime + to.UtcTicks.ToString("D19", System.Globalization.CultureInfo.InvariantCulture);
        bool resume = after is not null && string.CompareOrdinal(PartnerRows.AuditByTime + after, lower) >= 0;
        return AuditPageAsync(resume ? PartnerRows.AuditByTime + after : lower, resume, upper, limit, cancellationToken);
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

    private Task SubmitAsync(TableTransactionAction change, PartnerAuditEntry audit, CancellationToken cancellationToken) =>
        SubmitAsync(change, [audit], cancellationToken);

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

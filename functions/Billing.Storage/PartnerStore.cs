using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Billing.Domain.Partners;

namespace Billing.Storage;

/// <summary>
/// The partner registry. API keys are stored only as SHA-256 hashes (keys are long random secrets, so an unsalted
/// fast hash is adequate and lets us look a key up by its hash); the hash comparison is constant-time.
/// Rows: <c>p|{id}</c> partner, <c>k|{keyHash}</c> key → partner id.
/// </summary>
public sealed class PartnerStore(BillingTables tables)
{
    private readonly TableClient table = tables.Partners;

    public static string HashKey(string apiKey) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));

    public async Task UpsertAsync(PartnerRegistration registration, CancellationToken cancellationToken)
    {
        var p = registration.Partner;
        string hash = HashKey(registration.ApiKey);
        var existing = await table.GetEntityIfExistsAsync<TableEntity>("p", TableKey.Escape(p.Id), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (existing.HasValue && existing.Value!.GetString("KeyHash") is { } oldHash && oldHash != hash)
        {
            await table.DeleteEntityAsync("k", oldHash, cancellationToken: cancellationToken).ConfigureAwait(false); // key rotation
        }

        await table.UpsertEntityAsync(new TableEntity("k", hash) { ["PartnerId"] = p.Id }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        await table.UpsertEntityAsync(new TableEntity("p", TableKey.Escape(p.Id))
        {
            ["Role"] = p.Role.ToString(),
            ["PlanId"] = p.PlanId,
            ["KeyHash"] = hash,
        }, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false); // merge: keep the Stripe customer id across re-seeding
    }

    /// <summary>The payer's Stripe customer id, so every month's invoice goes to the same customer.</summary>
    public async Task<string?> GetStripeCustomerAsync(string partnerId, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>("p", TableKey.Escape(partnerId), select: ["StripeCustomerId"], cancellationToken).ConfigureAwait(false);
        return row.HasValue ? row.Value!.GetString("StripeCustomerId") : null;
    }

    public Task SetStripeCustomerAsync(string partnerId, string customerId, CancellationToken cancellationToken) =>
        table.UpdateEntityAsync(new TableEntity("p", TableKey.Escape(partnerId)) { ["StripeCustomerId"] = customerId }, Azure.ETag.All, TableUpdateMode.Merge, cancellationToken);

    public async Task<IReadOnlyList<Partner>> ListAsync(CancellationToken cancellationToken)
    {
        var list = new List<Partner>();
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == "p", cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            list.Add(ToPartner(e));
        }

        return list;
    }

    /// <summary>The partner owning <paramref name="apiKey"/>, or null.</summary>
    public async Task<Partner?> AuthenticateAsync(string apiKey, CancellationToken cancellationToken)
    {
        string hash = HashKey(apiKey);
        var keyRow = await table.GetEntityIfExistsAsync<TableEntity>("k", hash, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!keyRow.HasValue || keyRow.Value!.GetString("PartnerId") is not { } id)
        {
            return null;
        }

        var partnerRow = await table.GetEntityIfExistsAsync<TableEntity>("p", TableKey.Escape(id), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!partnerRow.HasValue || partnerRow.Value!.GetString("KeyHash") is not { } stored
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored), Encoding.ASCII.GetBytes(hash)))
        {
            return null; // a stale key row left by a rotation
        }

        return ToPartner(partnerRow.Value);
    }

    private static Partner ToPartner(TableEntity e) =>
        new(TableKey.Unescape(e.RowKey), Enum.Parse<PartnerRole>(e.GetString("Role") ?? nameof(PartnerRole.Tenant)), e.GetString("PlanId"));
}

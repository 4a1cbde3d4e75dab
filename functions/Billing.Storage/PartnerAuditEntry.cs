namespace Billing.Storage;

/// <summary>An append-only record of one change to a partner: who (the caller's partner id), when, what.</summary>
/// <param name="Id">Unique and time-ordered (<c>{ticks}-{random}</c>); also the paging cursor.</param>
/// <param name="At">When the change was made.</param>
/// <param name="Actor">The partner id of the caller who made it (<see cref="SettingsActor"/> or <see cref="StripeActor"/> for the platform's own changes).</param>
/// <param name="PartnerId">The partner changed.</param>
/// <param name="Action">create, plan-change, profile-change, disable, enable, key-rotation, seed or stripe-customer.</param>
/// <param name="Changes">The fields it changed, before and after.</param>
public sealed record PartnerAuditEntry(string Id, DateTimeOffset At, string Actor, string PartnerId, string Action, IReadOnlyList<AuditChange> Changes)
{
    /// <summary>The actor of changes made by start-up seeding from settings (not a valid partner id, so never a caller's).</summary>
    public const string SettingsActor = "(settings)";

    /// <summary>The actor of the Stripe customer id remembered after an invoice sync.</summary>
    public const string StripeActor = "(stripe)";

    /// <summary>
    /// The entry's place in the partner's chain (1, 2, …; 0: not chained); set by the store. Ids sort by time and a
    /// random part, which is not the order of changes made in one tick or by instances whose clocks differ.
    /// </summary>
    public long Sequence { get; init; }

    /// <summary>The hash of the partner's entry before this one (<see cref="PartnerAuditChain.GenesisHash"/> for the first); set by the store.</summary>
    public string? PreviousHash { get; init; }

    /// <summary><see cref="PartnerAuditChain.Hash"/> of this entry and <see cref="PreviousHash"/>; set by the store.</summary>
    public string? Hash { get; init; }

    /// <summary>A new entry id: time-ordered; <paramref name="index"/> orders the records of one request, the random part keeps ids unique.</summary>
    public static string NewId(DateTimeOffset at, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{at.UtcTicks:D19}-{index:D2}{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}");
}

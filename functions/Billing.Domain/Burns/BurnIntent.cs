namespace Billing.Domain.Burns;

/// <summary>
/// The durable intent to burn the tokens a paid invoice bought. One per invoice (its id derives from the invoice id),
/// written before anything is signed, so a crash at any point resumes from storage and can never burn twice.
/// </summary>
public sealed record BurnIntent
{
    public required string Id { get; init; }

    public required string InvoiceId { get; init; }

    public required string Payer { get; init; }

    /// <summary>The Stripe event that paid the invoice.</summary>
    public required string PaymentId { get; init; }

    public required long UsdMinor { get; init; }

    public required string Currency { get; init; }

    public BurnStatus Status { get; init; } = BurnStatus.Pending;

    /// <summary>Price snapshot used for <see cref="TokenAmount"/>; null until a fresh price was available.</summary>
    public PriceQuote? Price { get; init; }

    public ulong TokenAmount { get; init; }

    public int Decimals { get; init; }

    public string? Mint { get; init; }

    /// <summary>The signed transaction (base64) that is the only thing sent while its blockhash is valid.</summary>
    public string? Transaction { get; init; }

    public string? Signature { get; init; }

    public ulong? LastValidBlockHeight { get; init; }

    public ulong? Slot { get; init; }

    /// <summary>How many distinct transactions were signed (a new one only after the previous blockhash provably expired).</summary>
    public int Signings { get; init; }

    /// <summary>Why the burn is waiting or failed, for operators (stale price, low treasury balance, …).</summary>
    public string? Reason { get; init; }

    /// <summary>
    /// Finance's releases of this burn while it was held, oldest first (<see cref="BurnRelease"/>); empty for a burn nobody
    /// released. The last one stands: <see cref="UsdMinor"/> is then what it decided to burn, at most what the invoice kept after
    /// its credit notes and refunds.
    /// </summary>
    public IReadOnlyList<BurnRelease> Releases { get; init; } = [];

    /// <summary>The release that stands (the last); null for a burn nobody released.</summary>
    public BurnRelease? Release => Releases.Count == 0 ? null : Releases[^1];

    /// <summary>Finance's partner id of the release that stands; null for a burn nobody released.</summary>
    public string? ReleasedBy => Release?.By;

    /// <summary>When the release that stands was made.</summary>
    public DateTimeOffset? ReleasedAt => Release?.At;

    /// <summary>Finance's reason for the release that stands, as given.</summary>
    public string? ReleaseNote => Release?.Note;

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public bool IsTerminal => Status is BurnStatus.Finalized or BurnStatus.Failed or BurnStatus.Skipped;

    public static string IdFor(string invoiceId) => "burn-" + invoiceId;

    /// <summary>The memo that ties the on-chain burn to the invoice: <c>billing:burn:v1:{invoiceId}:{burnId}</c>.</summary>
    public string Memo => $"billing:burn:v1:{InvoiceId}:{Id}";
}

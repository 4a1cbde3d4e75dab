namespace Billing.Domain.Ledger;

/// <summary>An anchor memo as read from the chain: signed by the anchor authority in transaction <see cref="Signature"/>.</summary>
public sealed record OnChainAnchor(AnchorMemoContent Content, string Signature, ulong Slot, DateTimeOffset? BlockTime)
{
    public string Range => $"{Content.FromSeq}-{Content.ToSeq}";
}

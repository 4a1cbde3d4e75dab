namespace Billing.Contracts.Partners;

/// <summary>
/// A partner whose stored row cannot be read (changed outside the platform): its id and why, naming the property. It is
/// left out of the answer; until it is mended that partner's key is refused and its usage not accepted or billed.
/// </summary>
public sealed record UnreadablePartner(string Id, string Reason);

namespace Billing.Domain.Events;

/// <summary>
/// The payer of an event named by another partner (a provider's compute usage names its tenant, a declared type its
/// payer field) and how what is wrong with it is worded. Such a poster is told nothing about the payer it could not
/// know otherwise: an unknown id, one of another role, a disabled payer and one whose row cannot be read all get one
/// answer, and the payer's plan (its name, what it bills) is never named. A partner posting its own usage (the payer
/// is the source) is told as before: its plan is its own. The answers are the 400s at ingestion and the reasons
/// metering quarantines under, which the poster lists too. A payer is billed by another partner only when it granted
/// that partner (<see cref="Partner.Providers"/>); without the grant the poster gets the unknown payer's answer.
/// </summary>
internal static class PayerAnswers
{
    /// <summary>
    /// Whether the poster is the payer <paramref name="payerId"/> itself: the authenticated partner at ingestion (an event
    /// claiming the payer's id as its source is refused, and told no more than any other poster), the event's source at
    /// metering (which ingestion held to the poster).
    /// </summary>
    public static bool IsOwn(ValidationContext context, string? source, string payerId) => (context.PostingPartner ?? source) == payerId;

    /// <summary>
    /// The payer <paramref name="payerId"/> named at <paramref name="path"/> as a partner of <paramref name="role"/>, or
    /// null with the error recorded. A disabled one is refused at ingestion only (what was accepted before it was
    /// disabled is still metered); one that has not granted the poster at ingestion and at metering alike (an event
    /// accepted before a grant was revoked is quarantined, and meters when replayed after a new grant).
    /// </summary>
    public static Partner? Find(ref FieldReader r, string path, string payerId, PartnerRole role, string? source, ValidationContext context, IPartnerDirectory partners)
    {
        string what = role.ToString().ToLowerInvariant();
        bool own = IsOwn(context, source, payerId);
        var payer = partners.Find(payerId);
        if (payer is null)
        {
            r.UnknownPartner(path, own ? partners.NotRegistered(payerId, what) : NotUsable(payerId, what));
            return null;
        }

        if (payer.Role != role)
        {
            r.Error(path, own ? partners.NotRegistered(payerId, what) : NotUsable(payerId, what));
            return null;
        }

        if (payer.Status == PartnerStatus.Disabled && context.PostingPartner is not null)
        {
            r.Error(path, own ? $"'{payerId}' is disabled" : NotUsable(payerId, what));
            return null;
        }

        if (!own && !payer.MayBeBilledBy(context.PostingPartner ?? source))
        {
            // No grant, no billing: told as an unknown payer (a poster learns nothing about accounts it may not bill). The
            // registry is read again first, at most once a second (a grant made on another instance within the cache TTL
            // counts promptly, and a sender naming payers that never granted it cannot make every batch read it).
            r.UngrantedPayer(path, NotUsable(payerId, what));
            return null;
        }

        return payer;
    }

    /// <summary>The one answer for a payer another partner names that cannot be billed (unknown, another role, disabled, unreadable).</summary>
    public static string NotUsable(string payerId, string what) => $"'{payerId}' is not an active registered {what}";

    /// <summary>The plan a value is not priced in: by name to the payer itself, as "the plan of '{payer}'" to another poster.</summary>
    public static string Plan(string plan, string payerId, bool own) => own ? $"plan '{plan}'" : $"the plan of '{payerId}'";
}

namespace Billing.Domain.Partners;

/// <summary>Read-only view of the partner registry that validation needs.</summary>
public interface IPartnerDirectory
{
    Partner? Find(string partnerId);

    /// <summary>
    /// Whether the partner has a row the registry cannot read (changed outside the platform), so <see cref="Find"/> does not
    /// know it: validation then says so, instead of calling a partner that exists unregistered.
    /// </summary>
    bool IsUnreadable(string partnerId) => false;

    /// <summary>Why <paramref name="partnerId"/> cannot be used as <paramref name="what"/> (a role name, or "partner") when <see cref="Find"/> gives nothing fitting.</summary>
    string NotRegistered(string partnerId, string what) => IsUnreadable(partnerId)
        ? $"'{partnerId}' cannot be used: its partner record cannot be read (changed outside the platform); replay once it is mended"
        : $"'{partnerId}' is not a registered {what}";
}

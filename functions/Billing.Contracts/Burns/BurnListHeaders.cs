namespace Billing.Contracts.Burns;

/// <summary>Response headers of <c>GET /api/v1/burns</c>, whose body is a bare array with no room for anything but burns.</summary>
public static class BurnListHeaders
{
    /// <summary>
    /// Present when burn rows cannot be read (changed outside the platform): their ids, each percent-encoded, separated by
    /// commas, the first <see cref="MaxNamed"/>. They are missing from the array; <c>GET /api/v1/ledger/reconcile</c> lists
    /// every one with its reason.
    /// </summary>
    public const string Unreadable = "Billing-Unreadable-Burns";

    public const int MaxNamed = UnreadableRowsHeader.MaxNamed;
}

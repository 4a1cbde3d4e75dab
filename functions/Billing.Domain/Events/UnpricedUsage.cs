namespace Billing.Domain.Events;

/// <summary>
/// The reasons an event is refused when its payer's plan could not bill it: metered, it would never be invoiced (free
/// usage, accepted). One wording for the built-in offload type and the declared types.
/// </summary>
internal static class UnpricedUsage
{
    public static string NoPlan(string payerId, string type) => $"'{payerId}' has no price plan, so it cannot pay for '{type}'";

    public static string PricesNone(string payerId, string plan, string type) => $"'{payerId}' is billed on plan '{plan}', which prices none of the meters of '{type}'";
}

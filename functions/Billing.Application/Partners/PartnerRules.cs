using System.Text.RegularExpressions;

namespace Billing.Application.Partners;

/// <summary>What a partner's fields may hold. Ids become table keys, invoice ids and CloudEvents sources, so they are short lowercase slugs.</summary>
public static partial class PartnerRules
{
    public const int MaxDisplayName = 200;
    public const int MaxEmail = 254;

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    // One @, a local part without spaces or specials, a domain of dot-separated labels: the shape, not deliverability.
    [GeneratedRegex(@"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    [GeneratedRegex("^cus_[A-Za-z0-9]{1,250}$", RegexOptions.CultureInvariant)]
    private static partial Regex StripeCustomerPattern();

    public static void Id(string? id, List<ValidationError> errors)
    {
        if (string.IsNullOrEmpty(id))
        {
            errors.Add(new("id", "is required"));
        }
        else if (!IdPattern().IsMatch(id))
        {
            errors.Add(new("id", "must be 2-63 characters: lowercase letters, digits and '-', starting with a letter or digit"));
        }
    }

    public static PartnerRole? Role(string? role, List<ValidationError> errors)
    {
        PartnerRole? parsed = role switch
        {
            "carrier" => PartnerRole.Carrier,
            "provider" => PartnerRole.Provider,
            "tenant" => PartnerRole.Tenant,
            "finance" => PartnerRole.Finance,
            _ => null,
        };
        if (parsed is null)
        {
            errors.Add(new("role", role is null ? "is required" : "must be carrier, provider, tenant or finance"));
        }

        return parsed;
    }

    /// <summary>Payers need a plan of the catalog that prices their kind of usage; providers and finance have none.</summary>
    public static void Plan(string? plan, PartnerRole role, PlanCatalog catalog, List<ValidationError> errors)
    {
        bool payer = role is PartnerRole.Carrier or PartnerRole.Tenant;
        if (!payer)
        {
            if (plan is not null)
            {
                errors.Add(new("plan", $"a {Name(role)} is not billed and has no plan"));
            }

            return;
        }

        if (string.IsNullOrEmpty(plan))
        {
            errors.Add(new("plan", $"is required for a {Name(role)} (a payer)"));
        }
        else if (!catalog.TryGet(plan, out var p))
        {
            errors.Add(new("plan", $"'{plan}' is not in the price catalog; one of {string.Join(", ", catalog.Plans.Select(x => x.Id))}"));
        }
        else
        {
            string type = role == PartnerRole.Carrier ? EventTypes.CarrierOffloadV1 : EventTypes.ComputeUsageV1;
            // Built-in meters must be of the role's type; declared meters (meters/*.json) name their payer's role themselves.
            if (p.Meters.Count == 0 || p.Meters.Any(m => Meters.Find(m.Meter) is { } builtIn && builtIn.EventType != type))
            {
                errors.Add(new("plan", $"'{plan}' does not price {Name(role)} usage"));
            }
        }
    }

    public static void DisplayName(string? name, bool required, List<ValidationError> errors)
    {
        if (name is null)
        {
            if (required)
            {
                errors.Add(new("displayName", "is required"));
            }
        }
        else if (name.Trim().Length == 0 || name.Length > MaxDisplayName || name.Any(char.IsControl) || name != name.Trim())
        {
            errors.Add(new("displayName", $"must be 1-{MaxDisplayName} characters, no control characters or surrounding spaces"));
        }
    }

    public static void BillingEmail(string? email, bool required, List<ValidationError> errors)
    {
        if (email is null)
        {
            if (required)
            {
                errors.Add(new("billingEmail", "is required for a payer"));
            }
        }
        else if (email.Length > MaxEmail || !EmailPattern().IsMatch(email))
        {
            errors.Add(new("billingEmail", "must be an email address such as billing@example.com"));
        }
    }

    public static void StripeCustomer(string? id, List<ValidationError> errors)
    {
        if (id is not null && !StripeCustomerPattern().IsMatch(id))
        {
            errors.Add(new("stripeCustomerId", "must be a Stripe customer id: cus_ followed by letters and digits"));
        }
    }

    /// <summary>The most providers a payer grants: a grant is a deliberate act of finance, not a directory.</summary>
    public const int MaxProviders = 100;

    /// <summary>A granted list as stored: ordinal order (so the audit shows what changed, not a reordering).</summary>
    public static IReadOnlyList<string> Providers(IEnumerable<string> ids) => [.. ids.Order(StringComparer.Ordinal)];

    /// <summary>What is wrong with a granted list on its own (not its ids' partners): its length and repeated ids.</summary>
    public static IEnumerable<string> ProvidersProblems(IReadOnlyList<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count > MaxProviders)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"lists {ids.Count} providers, at most {MaxProviders}");
        }

        foreach (var dup in ids.GroupBy(id => id, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            yield return $"lists '{dup.Key}' more than once";
        }
    }

    public static PartnerStatus? Status(string? status, List<ValidationError> errors) => status switch
    {
        null => null,
        "active" => PartnerStatus.Active,
        "disabled" => PartnerStatus.Disabled,
        _ => Invalid(errors),
    };

    public static string Name(PartnerRole role) => role.ToString().ToLowerInvariant();

    private static PartnerStatus? Invalid(List<ValidationError> errors)
    {
        errors.Add(new("status", "must be active or disabled"));
        return null;
    }
}

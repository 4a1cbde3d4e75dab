namespace Billing.Application.Partners;

public sealed class PartnerOptionsValidator : IValidateOptions<PartnerOptions>
{
    /// <summary>
    /// Partner ids are written into table keys unhashed (partners, invoices <c>INV-{payer}-{yyyyMM}-r{n}</c>, burns,
    /// ledger accounts), so their escaped form must leave room under <see cref="TableKey.MaxKeyChars"/>; an id of
    /// 128 emoji would otherwise stop start-up with a storage 400 while seeding.
    /// </summary>
    public const int MaxEscapedIdChars = 200;

    public ValidateOptionsResult Validate(string? name, PartnerOptions options)
    {
        var failures = new List<string>();
        if (options.CacheTtl < TimeSpan.Zero || options.CacheTtl > TimeSpan.FromHours(1))
        {
            failures.Add("Billing:Partners:CacheTtl must be between 0 and 1 hour.");
        }

        if (options.KeyRotationOverlap < TimeSpan.Zero || options.KeyRotationOverlap > TimeSpan.FromDays(30))
        {
            failures.Add("Billing:Partners:KeyRotationOverlap must be between 0 and 30 days.");
        }

        for (int i = 0; i < options.Items.Count; i++)
        {
            var p = options.Items[i];
            string at = $"Billing:Partners:Items:{i}";
            if (!UsageEventValidator.IsValidId(p.Id) || p.Id.Contains('|'))
            {
                failures.Add($"{at}:Id '{p.Id}' must be 1-128 printable characters without '|'.");
            }
            else if (p.Id == QuarantineStore.UnknownSourcePartition)
            {
                // A partner reads its own quarantine partition: this one holds the events of every unreadable source.
                failures.Add($"{at}:Id '{p.Id}' is reserved: it names the quarantine of events whose source cannot be read.");
            }
            else if (TableKey.Escape(p.Id).Length > MaxEscapedIdChars)
            {
                failures.Add($"{at}:Id is {TableKey.Escape(p.Id).Length} characters once escaped for a table key; at most {MaxEscapedIdChars} (use a shorter or ASCII id).");
            }
            else if (p.Role is PartnerRole.Carrier or PartnerRole.Tenant && PayerIds.Problem(p.Id) is { } problem)
            {
                // Its invoices could not be made or booked: its usage would be accepted and never billed.
                failures.Add($"{at}:Id '{p.Id}' is a payer's, which names its invoices and ledger accounts, so it {problem}.");
            }

            if (!Enum.IsDefined(p.Role))
            {
                failures.Add($"{at}:Role must be Carrier, Provider, Tenant or Finance.");
            }

            if (p.ApiKey.Length < 12)
            {
                failures.Add($"{at}:ApiKey must be at least 12 characters.");
            }

            if (p.Role is PartnerRole.Carrier or PartnerRole.Tenant && string.IsNullOrWhiteSpace(p.PlanId))
            {
                failures.Add($"{at}:PlanId is required for a {p.Role.ToString().ToLowerInvariant()} (a payer).");
            }
        }

        var providers = options.Items.Where(p => p.Role is PartnerRole.Provider or PartnerRole.Carrier).Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        for (int i = 0; i < options.Items.Count; i++)
        {
            var granted = options.Items[i].ProviderIds();
            string at = $"Billing:Partners:Items:{i}:Providers";
            if (granted.Count > 0 && options.Items[i].Role is not (PartnerRole.Carrier or PartnerRole.Tenant))
            {
                failures.Add($"{at}: only a payer (carrier, tenant) grants providers to bill it.");
            }

            foreach (string problem in PartnerRules.ProvidersProblems(granted))
            {
                failures.Add($"{at} {problem}.");
            }

            foreach (string id in granted.Where(id => !providers.Contains(id)).Distinct(StringComparer.Ordinal))
            {
                failures.Add($"{at} names '{id}', which is no configured provider (or carrier: the roles that post usage).");
            }
        }

        foreach (var dup in options.Items.GroupBy(p => p.Id).Where(g => g.Count() > 1))
        {
            failures.Add($"Billing:Partners:Items: id '{dup.Key}' appears more than once.");
        }

        foreach (var dup in options.Items.GroupBy(p => p.ApiKey).Where(g => g.Count() > 1))
        {
            failures.Add($"Billing:Partners:Items: two partners share an API key ({string.Join(", ", dup.Select(p => p.Id))}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

using Billing.Application.Partners;

namespace Billing.Application.Startup;

/// <summary>
/// Stops a start whose Stripe webhook secret or seeded partner keys are the local runs' public ones
/// (<see cref="PublicLocalCredentials"/>) unless the tables are on this machine (<see cref="StorageOptions.TablesOnThisMachine"/>):
/// a deployment that copied the local settings would take payments anyone can sign and requests anyone can make.
/// </summary>
public sealed class PublicLocalCredentialsValidator(IOptions<StorageOptions> storage) : IValidateOptions<StripeOptions>, IValidateOptions<PartnerOptions>
{
    private const string OnlyLocal = "it is accepted only against tables on this machine (the storage emulator)";

    public ValidateOptionsResult Validate(string? name, StripeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.WebhookSecret == StripeOptions.LocalWebhookSecret && !Local()
            ? ValidateOptionsResult.Fail(
                $"{StripeOptions.SectionName}:WebhookSecret is the public secret of local runs ({StripeOptions.LocalWebhookSecret}), with which anyone can sign a payment; "
                + $"{OnlyLocal}. Set the signing secret of this deployment's Stripe webhook endpoint.")
            : ValidateOptionsResult.Success;
    }

    public ValidateOptionsResult Validate(string? name, PartnerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Seed || Local())
        {
            return ValidateOptionsResult.Success;
        }

        var failures = options.Items.Select((p, i) => (p, i)).Where(x => PublicLocalCredentials.ApiKeys.Contains(x.p.ApiKey))
            .Select(x => $"{PartnerOptions.Section}:Items:{x.i}:ApiKey is a public key of local runs (local.settings.sample.json); {OnlyLocal}. Give {x.p.Id} a key of its own.")
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private bool Local() => storage.Value.TablesOnThisMachine;
}

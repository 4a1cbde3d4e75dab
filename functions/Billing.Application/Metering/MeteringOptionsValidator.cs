namespace Billing.Application.Metering;

/// <summary>Checks <see cref="MeteringOptions"/> at start.</summary>
public sealed class MeteringOptionsValidator : IValidateOptions<MeteringOptions>
{
    public ValidateOptionsResult Validate(string? name, MeteringOptions options)
    {
        var errors = new List<string>();
        if (options.HubRetention < TimeSpan.FromHours(1) || options.HubRetention > TimeSpan.FromDays(90))
        {
            errors.Add("Billing:Metering:HubRetention must be between 1 hour and 90 days (the hubs' retention: Event Hubs Standard keeps 1 to 7 days).");
        }

        if (options.LagWarning < TimeSpan.FromMinutes(1) || options.LagWarning >= options.HubRetention / 2)
        {
            errors.Add("Billing:Metering:LagWarning must be at least 1 minute and less than half of Billing:Metering:HubRetention (from half of it on a lag is an error).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

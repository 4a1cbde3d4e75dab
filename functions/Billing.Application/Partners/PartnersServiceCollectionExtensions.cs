namespace Billing.Application.Partners;

public static class PartnersServiceCollectionExtensions
{
    /// <summary>The partner registry's cached view (<see cref="PartnerDirectory"/>), with <see cref="PartnerOptions"/> bound from <c>Billing:Partners</c> and validated at start.</summary>
    public static IServiceCollection AddPartners(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<PartnerOptions, PartnerOptionsValidator>(configuration, PartnerOptions.Section)
            .PostConfigure(o =>
            {
                for (int i = 0; i < o.Items.Count; i++)
                {
                    Burns.RetiredKeys.KeepCommaSeparated(configuration, $"{PartnerOptions.Section}:Items:{i}:Providers", o.Items[i].Providers);
                }
            });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PartnerOptions>, Startup.PublicLocalCredentialsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PartnerDirectory>();
        services.TryAddSingleton<IPartnerDirectory>(sp => sp.GetRequiredService<PartnerDirectory>());
        services.TryAddSingleton<PayerRecords>(); // needs the storage the host registers
        services.TryAddSingleton<PartnerManagement>(); // needs the PlanCatalog the host registers
        services.TryAddSingleton<PartnerAuditVerifier>();
        return services;
    }
}

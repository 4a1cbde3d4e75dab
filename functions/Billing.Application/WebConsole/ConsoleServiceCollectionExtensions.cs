namespace Billing.Application.WebConsole;

/// <summary>Composition of the web console's settings: <c>Billing:Console</c> bound and validated at start.</summary>
public static class ConsoleServiceCollectionExtensions
{
    public static IServiceCollection AddWebConsole(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ConsoleOptions, ConsoleOptionsValidator>(configuration, ConsoleOptions.Section);
        return services;
    }
}

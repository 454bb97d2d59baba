using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Rules;

/// <summary>Registers the rules file.</summary>
internal static class RulesServiceCollectionExtensions
{
    public static IServiceCollection AddRules(this IServiceCollection services)
    {
        services.AddOptions<RulesOptions>().BindConfiguration(RulesOptions.Section);
        services.AddSingleton<RulesProvider>();
        return services;
    }
}

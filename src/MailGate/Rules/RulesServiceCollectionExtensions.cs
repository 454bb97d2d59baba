using MailGate.Core.Rules;
using MailGate.Observability;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Rules;

/// <summary>Registers the rules file.</summary>
internal static class RulesServiceCollectionExtensions
{
    public static IServiceCollection AddRules(this IServiceCollection services)
    {
        services.AddOptions<RulesOptions>().BindConfiguration(RulesOptions.Section)
            .Validate(o => o.ReloadInterval >= TimeSpan.FromMilliseconds(100), "Rules:ReloadInterval must be at least 00:00:00.1")
            .ValidateOnStart();
        services.AddSingleton<RulesProvider>();
        services.AddSingleton<IMetricsSource, RulesMetrics>();
        services.AddHostedService<RulesWatcher>();
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;
using MailGate.Observability;

namespace MailGate.Coverage;

/// <summary>Registers coverage's watch (issue #15): the arrivals recorder on every replica, the silence alarm, the coverage view and metrics.</summary>
internal static class CoverageWatchServiceCollectionExtensions
{
    public static IServiceCollection AddCoverageWatch(this IServiceCollection services)
    {
        // Its settings are CoverageOptions, registered and validated by AddCoverage.
        services.AddSingleton<CoverageView>();
        services.AddSingleton<CoverageMetrics>();
        services.AddSingleton<IMetricsSource>(sp => sp.GetRequiredService<CoverageMetrics>());
        services.AddHostedService<SilenceRecorder>();
        services.AddHostedService<SilenceAlarm>();
        return services;
    }
}

using MailGate.Observability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MailGate.Coverage;

/// <summary>Registers the receiving side of coverage (issue #15): probes recognised before the rules, on every replica.</summary>
internal static class CoverageReceivingServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ProbeReceiver"/> and its counter. Recognition is on only when an <see cref="IProbeKey"/> with a key
    /// is registered (by the coverage sender's <c>AddCoverage</c>, from <c>Coverage:*</c>); otherwise no mail is a probe.
    /// </summary>
    public static IServiceCollection AddCoverageReceiving(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(ProbeReceiver)))
        {
            return services;
        }

        services.AddSingleton<ProbeReceiverMetrics>();
        services.AddSingleton<IMetricsSource>(sp => sp.GetRequiredService<ProbeReceiverMetrics>());
        services.TryAddSingleton<ProbeReceiver>();
        return services;
    }
}

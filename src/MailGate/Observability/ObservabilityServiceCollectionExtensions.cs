using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace MailGate.Observability;

/// <summary>Registers metrics (System.Diagnostics.Metrics, exported by OpenTelemetry in Prometheus format); each feature adds its own <see cref="IMetricsSource"/>.</summary>
internal static class ObservabilityServiceCollectionExtensions
{
    public static IServiceCollection AddObservability(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton<MailGateMetrics>();
        services.AddSingleton<MailArrivals>();
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("mailgate", serviceVersion: ProgramVersion.Current))
            .WithMetrics(metrics => metrics
            .AddMeter(MailGateMetrics.MeterName)
            .AddPrometheusExporter());
        return services;
    }
}

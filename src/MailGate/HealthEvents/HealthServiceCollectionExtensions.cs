using MailGate.Core.Storage;
using MailGate.Observability;
using MailGate.Poll.Aws;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.HealthEvents;

/// <summary>Registers the AWS Health event poller: its status always, the poller only when <c>Health:Enabled</c>.</summary>
internal static class HealthServiceCollectionExtensions
{
    public static IServiceCollection AddHealthEventPolling(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HealthOptions>().BindConfiguration(HealthOptions.Section).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<HealthOptions>, HealthOptionsValidator>();
        var enabled = configuration.GetSection(HealthOptions.Section).GetValue<bool>(nameof(HealthOptions.Enabled));
        services.AddSingleton(new HealthPollStatus { Enabled = enabled });
        services.AddSingleton<HealthMetrics>();
        services.AddSingleton<HealthResolutions>();
        services.AddSingleton<IMetricsSource>(sp => sp.GetRequiredService<HealthMetrics>());
        if (enabled)
        {
            services.AddAwsClients();
            services.AddOptions<AwsOptions>().ValidateOnStart();
            services.AddSingleton<HealthClient>();
            services.AddSingleton(sp => new HealthCursorStore(sp.GetRequiredService<IPollerCursors>().Cursors(HealthCursorStore.Poller)));
            services.AddHostedService<HealthEventPoller>();
        }

        return services;
    }
}

using MailGate.Observability;
using MailGate.Outbound;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MailGate.Heartbeat;

/// <summary>Registers the heartbeat out: its options and counter always, the sender only when <c>Heartbeat:Url</c> is set.</summary>
internal static class HeartbeatServiceCollectionExtensions
{
    public static IServiceCollection AddHeartbeat(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HeartbeatOptions>().BindConfiguration(HeartbeatOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HeartbeatOptions>, HeartbeatOptionsValidator>();
        services.AddSingleton<HeartbeatMetrics>();
        services.AddSingleton<IMetricsSource>(sp => sp.GetRequiredService<HeartbeatMetrics>());
        if (!string.IsNullOrWhiteSpace(configuration.GetSection(HeartbeatOptions.Section)[nameof(HeartbeatOptions.Url)]))
        {
            services.AddHttpClient<HeartbeatSender>((sp, http) =>
            {
                http.Timeout = sp.GetRequiredService<IOptions<HeartbeatOptions>>().Value.Timeout;
                http.DefaultRequestHeaders.UserAgent.ParseAdd("MailGate/1.0");
            }).ConfigurePrimaryHttpMessageHandler(OutboundHttp.CreateHandler);
            services.AddHostedService(sp => sp.GetRequiredService<HeartbeatSender>());
        }

        return services;
    }
}

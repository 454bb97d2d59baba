using MailGate.Core.Deliver;
using MailGate.Observability;
using MailGate.Outbound;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MailGate.Deliver;

/// <summary>Registers delivery to the PagerDuty Events API v2.</summary>
internal static class DeliverServiceCollectionExtensions
{
    public static IServiceCollection AddPagerDutyDelivery(this IServiceCollection services)
    {
        services.AddOptions<PagerDutyOptions>().BindConfiguration(PagerDutyOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PagerDutyOptions>, PagerDutyOptionsValidator>();
        services.AddHttpClient<PagerDutyClient>((sp, http) =>
        {
            http.Timeout = sp.GetRequiredService<IOptions<PagerDutyOptions>>().Value.RequestTimeout;
            http.DefaultRequestHeaders.UserAgent.ParseAdd("MailGate/1.0");
        }).ConfigurePrimaryHttpMessageHandler(OutboundHttp.CreateHandler);
        services.AddSingleton<PagerDutyCircuit>();
        services.AddSingleton<IMetricsSource, PagerDutyCircuitMetrics>();
        services.AddSingleton<DeliveryLedgerGate>();
        services.AddSingleton<PagerDutyDelivery>();
        services.AddHostedService<DeliveryLedgerSweeper>();
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Process;

/// <summary>Registers the background processing of spooled messages (parse → rules → deliver).</summary>
internal static class ProcessServiceCollectionExtensions
{
    public static IServiceCollection AddMessageProcessing(this IServiceCollection services)
    {
        services.AddSingleton<ProcessingInbox>();
        services.AddSingleton<ProcessingEvents>();
        services.AddSingleton<UntrustedLimiter>();
        services.AddHostedService<MessageProcessor>();
        return services;
    }
}

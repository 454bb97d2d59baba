using MailGate.Observability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MailGate.Process;

/// <summary>Registers the background processing of spooled messages (parse → rules → deliver).</summary>
internal static class ProcessServiceCollectionExtensions
{
    public static IServiceCollection AddMessageProcessing(this IServiceCollection services)
    {
        services.AddSingleton<ProcessingInbox>();
        services.AddSingleton<ProcessingEvents>();
        services.AddSingleton<UntrustedLimiter>();
        services.AddSingleton<PinnedKeysFile>();
        services.AddSingleton<KeyFetcher>();
        services.TryAddSingleton<IStateStore, SpoolStateStore>();
        services.AddSingleton<UnsavedWork>();
        services.AddSingleton<IReadinessCheck>(sp => sp.GetRequiredService<UnsavedWork>());
        services.AddHostedService<MessageProcessor>();
        return services;
    }
}

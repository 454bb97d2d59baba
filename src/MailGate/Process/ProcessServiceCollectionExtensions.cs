using MailGate.Core.Decide;
using MailGate.Core.Storage;
using MailGate.Observability;
using MailGate.Spool;
using MailGate.Storage.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MailGate.Process;

/// <summary>Registers the background processing of spooled messages (read → decide → deliver) and its parts.</summary>
internal static class ProcessServiceCollectionExtensions
{
    public static IServiceCollection AddMessageProcessing(this IServiceCollection services)
    {
        services.AddSingleton<ProcessingInbox>();
        services.AddSingleton<ProcessingEvents>();
        services.AddSingleton<UntrustedLimiter>();

        // Replicas on one database share the limits there; one gateway on the file spool counts in memory.
        services.AddSingleton<IUntrustedLimiter>(sp => sp.GetRequiredService<IMessageStorage>() is PostgresStorage postgres
            ? postgres.UntrustedLimiter()
            : sp.GetRequiredService<UntrustedLimiter>());
        services.AddSingleton<PinnedKeysFile>();
        services.AddSingleton<KeyFetcher>();
        services.TryAddSingleton<IStateStore, StorageStateStore>();
        services.AddSingleton<UnsavedWork>();
        services.AddSingleton<IReadinessCheck>(sp => sp.GetRequiredService<UnsavedWork>());
        services.AddSingleton<InHandMessages>();
        services.AddSingleton<FetchedKeys>();
        services.AddSingleton<VerificationDeferrals>();
        services.AddSingleton<LeaseKeeper>();
        services.AddSingleton<IMetricsSource>(sp => sp.GetRequiredService<LeaseKeeper>());
        services.AddSingleton<ProcessingLog>();
        services.AddSingleton<WorkFinisher>();
        services.AddSingleton<DeliveryLanes>();
        services.AddSingleton<WorkTracker>();
        services.AddSingleton<DecisionStage>();
        services.AddSingleton<MessageIntake>();
        services.AddSingleton<SpoolRescan>();
        services.AddHostedService<MessageProcessor>();
        return services;
    }
}

using MailGate.Core.Spool;
using MailGate.Core.Storage;
using MailGate.Observability;
using MailGate.Startup;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailGate.Spool;

/// <summary>Registers the durable spool.</summary>
internal static class SpoolServiceCollectionExtensions
{
    public static IServiceCollection AddSpool(this IServiceCollection services)
    {
        services.AddOptions<SpoolOptions>().BindConfiguration(SpoolOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.Path), "Spool:Path must name a folder")
            .Validate(o => o.ScanInterval >= TimeSpan.FromMilliseconds(100), "Spool:ScanInterval must be at least 00:00:00.1")
            .Validate(o => o.MinFreeBytes >= 0, "Spool:MinFreeBytes must not be negative")
            .ValidateOnStart();
        services.AddSingleton(sp => Open(sp.GetRequiredService<IOptions<SpoolOptions>>().Value, sp.GetRequiredService<ILogger<SpoolStore>>()));

        // The storage seam, one role per consumer; the file spool is the only backend so far.
        services.AddSingleton<IMessageStorage>(sp => sp.GetRequiredService<SpoolStore>());
        services.AddSingleton<IMessageIntake>(sp => sp.GetRequiredService<IMessageStorage>());
        services.AddSingleton<IProcessingStore>(sp => sp.GetRequiredService<IMessageStorage>());
        services.AddSingleton<IPollerCursors>(sp => sp.GetRequiredService<IMessageStorage>());
        services.AddSingleton<IFeatureState>(sp => sp.GetRequiredService<IMessageStorage>());
        services.AddSingleton<IStorageHealth>(sp => sp.GetRequiredService<IMessageStorage>());
        services.AddSingleton<SpoolSpace>();
        services.AddSingleton<IMetricsSource, SpoolMetrics>();
        return services;
    }

    /// <summary>
    /// Opens the spool as its owner: takes its lock before anything reads or recovers it, so a second
    /// gateway on the same folder stops here (<see cref="SpoolLockedException"/>), and logs every damaged
    /// entry set aside while running.
    /// </summary>
    private static SpoolStore Open(SpoolOptions options, ILogger<SpoolStore> logger)
    {
        SpoolStore store;
        try
        {
            store = new SpoolStore(options.Path, options.GroupCommit, exclusive: true);
        }
        catch (Exception e) when (e is not SpoolLockedException && e is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"Spool:Path '{options.Path}' cannot be used as the spool: {e.Message}", e);
        }

        store.Quarantined += (_, entry) => Log.SpoolEntryQuarantined(logger, entry.Name, entry.Area.ToString().ToLowerInvariant(), entry.Problem);
        store.QuarantineFailed += (_, e) => Log.SpoolEntryNotQuarantined(logger, e.Entry.Name, e.Entry.Area.ToString().ToLowerInvariant(), e.Entry.Problem, e.Error);
        return store;
    }
}

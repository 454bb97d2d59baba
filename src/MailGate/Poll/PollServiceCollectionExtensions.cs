using MailGate.Core.Storage;
using MailGate.Observability;
using MailGate.Poll.Aws;
using MailGate.Spool;
using MailGate.Startup;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MailGate.Poll;

/// <summary>Registers the AWS Support case poller: its status always, the poller itself only when <c>SupportCases:Enabled</c>.</summary>
internal static class PollServiceCollectionExtensions
{
    public static IServiceCollection AddSupportCasePolling(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SupportCaseOptions>().BindConfiguration(SupportCaseOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SupportCaseOptions>, SupportCaseOptionsValidator>();
        var enabled = configuration.GetSection(SupportCaseOptions.Section).GetValue<bool>(nameof(SupportCaseOptions.Enabled));
        services.AddSingleton(new SupportCasePollStatus { Enabled = enabled });
        services.AddSingleton<IMetricsSource, SupportCaseMetrics>();
        if (enabled)
        {
            services.AddAwsClients();
            services.AddOptions<AwsOptions>().ValidateOnStart(); // enabled: a bad Aws:* value stops start-up, naming the key
            services.AddSingleton(sp => new CaseCursorStore(Cursors(
                sp.GetRequiredService<IOptions<SupportCaseOptions>>().Value, sp.GetRequiredService<IOptions<SpoolOptions>>().Value, sp.GetRequiredService<IPollerCursors>())));
            services.AddSingleton<SupportCaseSpooler>();
            services.AddSingleton<AccountPoller>();
            services.AddHostedService<SupportCasePoller>();
        }

        return services;
    }

    /// <summary>Where the cursors live: in the folder <see cref="SupportCaseOptions.StatePath"/>, else in the storage's cursors of <see cref="CaseCursorStore.Poller"/> (the file spool: <c>{Spool:Path}/support-cases/</c>).</summary>
    /// <exception cref="StartupException">A folder is named while the storage is PostgreSQL: cursors kept on one replica's disk would be lost or doubled across replicas.</exception>
    private static ICursorDocuments Cursors(SupportCaseOptions options, SpoolOptions spool, IPollerCursors storage) =>
        options.StatePath.Length == 0 ? storage.Cursors(CaseCursorStore.Poller)
        : spool.Backend == SpoolOptions.PostgresBackend ? throw new StartupException("SupportCases:StatePath must be empty when Spool:Backend is 'postgres': the cursors are kept in PostgreSQL")
        : CursorFolders.At(options.StatePath);
}

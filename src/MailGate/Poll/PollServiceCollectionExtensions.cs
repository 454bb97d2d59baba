using MailGate.Core.Spool;
using MailGate.Observability;
using MailGate.Poll.Aws;
using MailGate.Spool;
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
            services.AddSingleton(sp => new CaseCursorStore(CursorFolder(
                sp.GetRequiredService<IOptions<SupportCaseOptions>>().Value, sp.GetRequiredService<IOptions<SpoolOptions>>().Value)));
            services.AddSingleton<SupportCaseSpooler>();
            services.AddSingleton<AccountPoller>();
            services.AddHostedService<SupportCasePoller>();
        }

        return services;
    }

    /// <summary>Where the cursors live: <see cref="SupportCaseOptions.StatePath"/>, else <c>support-cases</c> in the spool.</summary>
    private static string CursorFolder(SupportCaseOptions options, SpoolOptions spool) =>
        options.StatePath.Length > 0 ? options.StatePath : Path.Combine(spool.Path, "support-cases");
}

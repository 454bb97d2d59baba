using MailGate.Core.Storage;
using MailGate.Poll.Aws;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailGate.Coverage;

/// <summary>
/// Registers coverage (issue #15): its options (validated at start-up), the probe key (<see cref="IProbeKey"/>, always:
/// null when off), the alerts (<see cref="ICoverageAlerts"/>), and — only when <c>Coverage:Enabled</c> — the probe
/// sender and the leader that sends probes and checks deadlines. The receiver and the watcher add theirs beside it.
/// </summary>
internal static class CoverageServiceCollectionExtensions
{
    public static IServiceCollection AddCoverage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CoverageOptions>().BindConfiguration(CoverageOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CoverageOptions>, CoverageOptionsValidator>();
        services.AddSingleton<IProbeKey, CoverageProbeKey>();
        services.AddSingleton<ICoverageAlerts, SpooledCoverageAlerts>();
        var section = configuration.GetSection(CoverageOptions.Section);
        if (!section.GetValue<bool>(nameof(CoverageOptions.Enabled)))
        {
            return services;
        }

        services.TryAddSingleton<IProbeSender, SmtpProbeSender>();
        services.AddSingleton(sp => new CoverageRound(
            sp.GetRequiredService<IPollerCursors>().Cursors(Core.Coverage.CoverageDocuments.Store),
            sp.GetRequiredService<IProbeSender>(),
            sp.GetRequiredService<ICoverageAlerts>(),
            sp.GetRequiredService<IProbeKey>(),
            sp.GetRequiredService<IOptions<CoverageOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<CoverageRound>>()));
        if (section.GetValue<bool>(nameof(CoverageOptions.Organization)))
        {
            services.AddAwsClients();
            services.AddOptions<AwsOptions>().ValidateOnStart();
        }

        services.AddSingleton(sp => new CoverageOrganization(
            sp.GetRequiredService<IOptions<CoverageOptions>>().Value.Organization ? sp.GetRequiredService<OrganizationsClient>() : null,
            sp.GetRequiredService<ILogger<CoverageOrganization>>()));
        services.AddSingleton<CoverageScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<CoverageScheduler>());
        return services;
    }
}

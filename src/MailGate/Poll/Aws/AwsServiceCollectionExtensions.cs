using MailGate.Outbound;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MailGate.Poll.Aws;

/// <summary>Registers the AWS plumbing: options, the HTTP client, credentials, Organizations and Support.</summary>
public static class AwsServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="AwsOptions"/> to the <c>Aws</c> section and registers the clients, with the base
    /// credentials from the SDK's default chain unless an <see cref="IAwsCredentialSource"/> is already
    /// registered (a later registration replaces it too). Nothing
    /// contacts AWS or looks for credentials here or at host start: that happens on first use. The
    /// options are validated (<see cref="AwsOptionsValidator"/>) when first read, not at start, because the
    /// feature is off by default.
    /// </summary>
    public static IServiceCollection AddAwsClients(this IServiceCollection services)
    {
        services.AddOptions<AwsOptions>().BindConfiguration(AwsOptions.Section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AwsOptions>, AwsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(AwsJsonClient.HttpClientName, (sp, http) =>
        {
            http.Timeout = sp.GetRequiredService<IOptions<AwsOptions>>().Value.RequestTimeout;
            http.DefaultRequestHeaders.UserAgent.ParseAdd("MailGate/1.0");
        }).ConfigurePrimaryHttpMessageHandler(OutboundHttp.CreateHandler);
        services.TryAddSingleton<IAwsCredentialSource, DefaultChainCredentialSource>();
        services.TryAddSingleton<BaseCredentials>();
        services.TryAddSingleton<MemberAccountCredentials>();
        services.TryAddSingleton<AwsJsonClient>();
        services.TryAddSingleton<OrganizationsClient>();
        services.TryAddSingleton<SupportClient>();
        return services;
    }
}

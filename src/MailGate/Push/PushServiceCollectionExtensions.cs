using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MailGate.Push;

/// <summary>Registers the push intake for AWS Health events (<c>POST /aws/events</c>) when <c>AwsEvents:Enabled</c>.</summary>
internal static class PushServiceCollectionExtensions
{
    /// <summary>Binds and validates <c>AwsEvents</c> (always); registers the endpoint's services only when enabled.</summary>
    public static IServiceCollection AddAwsEventsPush(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AwsEventsOptions>().BindConfiguration(AwsEventsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AwsEventsOptions>, AwsEventsOptionsValidator>();
        if (IsEnabled(configuration))
        {
            services.AddHttpClient(SnsSignatureVerifier.ClientName, http => http.Timeout = SnsSignatureVerifier.FetchTimeout)
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false }); // a redirect could lead to any host
            services.AddSingleton(sp => new AwsEventsKey(sp.GetRequiredService<IOptions<AwsEventsOptions>>().Value));
            services.AddSingleton<SnsSignatureVerifier>();
            services.AddSingleton<AwsEventIntake>();
            services.AddSingleton<AwsEventsEndpoint>();
        }

        return services;
    }

    /// <summary>Maps <c>POST /aws/events</c> when enabled.</summary>
    public static WebApplication MapAwsEvents(this WebApplication app, IConfiguration configuration)
    {
        if (IsEnabled(configuration))
        {
            app.MapPost(AwsEventsEndpoint.Path, (HttpContext http, AwsEventsEndpoint endpoint) => endpoint.HandleAsync(http));
        }

        return app;
    }

    private static bool IsEnabled(IConfiguration configuration) =>
        configuration.GetSection(AwsEventsOptions.Section).GetValue<bool>(nameof(AwsEventsOptions.Enabled));
}

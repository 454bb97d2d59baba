using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MailGate.Receive;

/// <summary>Registers the SMTP intake: listener, recipient filter, spooling store.</summary>
internal static class ReceiveServiceCollectionExtensions
{
    public static IServiceCollection AddSmtpReceiving(this IServiceCollection services)
    {
        services.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SmtpOptions>, SmtpOptionsValidator>();
        services.AddSingleton(sp =>
        {
            var smtp = sp.GetRequiredService<IOptions<SmtpOptions>>().Value;
            return new RecipientPolicy(smtp.EffectiveRecipients, smtp.ServerName);
        });
        services.AddSingleton<RecipientFilter>();
        services.AddSingleton(sp => ClientGate.From(sp.GetRequiredService<IOptions<SmtpOptions>>().Value));
        services.AddSingleton(sp => new DataBudget(sp.GetRequiredService<IOptions<SmtpOptions>>().Value.MaxDataInFlight));
        services.AddSingleton(sp => new DataBlockPool(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<SpoolingMessageStore>();
        services.AddSingleton<SmtpListenerEndpoint>();
        services.AddSingleton<SmtpSessions>();
        services.AddHostedService<SmtpReceiverService>();
        return services;
    }
}

using MailGate.Deliver;
using MailGate.Http;
using MailGate.Observability;
using MailGate.Parse;
using MailGate.Poll;
using MailGate.Process;
using MailGate.Receive;
using MailGate.Rules;
using MailGate.Spool;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace MailGate.Hosting;

/// <summary>
/// Builds the gateway: the message's path from SMTP to PagerDuty, in the order it travels.
/// Configuration comes from <see cref="MailGateConfiguration"/>.
/// </summary>
public static class MailGateHost
{
    /// <summary>Builds the host; <paramref name="configurationArgs"/> are <c>--Section:Key=value</c> overrides.</summary>
    public static WebApplication Build(string[] configurationArgs) => Build(configurationArgs, configureServices: null);

    /// <summary>Builds the host; <paramref name="configureServices"/>, when given, runs after every registration (tests replace a service with a fake).</summary>
    public static WebApplication Build(string[] configurationArgs, Action<IServiceCollection>? configureServices)
    {
        // Before anything touches MimeKit: it remembers a charset it could not find, so ISO-2022-JP and
        // Shift_JIS would stay undecodable for the life of the process.
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = configurationArgs,
            ContentRootPath = AppContext.BaseDirectory,
        });

        builder.Configuration.Sources.Clear();
        builder.Configuration.AddMailGateSources(configurationArgs);

        builder.AddMailGateLogging();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));

        builder.Services
            .AddObservability()
            .AddSpool()
            .AddParsing()
            .AddRules()
            .AddMessageProcessing()     // registered before the listener: resumes the spool first
            .AddPagerDutyDelivery()
            .AddSmtpReceiving()
            .AddSupportCasePolling(builder.Configuration); // the second way in: AWS Support cases, when enabled
        configureServices?.Invoke(builder.Services);

        var http = builder.Configuration.GetSection(HttpOptions.Section).Get<HttpOptions>() ?? new HttpOptions();
        builder.WebHost.UseUrls(http.Url);

        var app = builder.Build();
        app.MapHealthEndpoints();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MailGateHost));
            foreach (var url in app.Urls)
            {
                Log.HttpListening(logger, url);
            }
        });
        return app;
    }
}

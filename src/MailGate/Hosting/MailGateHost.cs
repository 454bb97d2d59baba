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
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailGate.Hosting;

/// <summary>
/// Builds the gateway: the message's path from SMTP to PagerDuty, in the order it travels.
/// Configuration comes from <see cref="MailGateConfiguration"/>.
/// </summary>
public static class MailGateHost
{
    /// <summary>Builds the host; <paramref name="configurationArgs"/> are <c>--Section:Key=value</c> overrides.</summary>
    public static WebApplication Build(string[] configurationArgs) => Build(configurationArgs, addServices: null);

    /// <summary>As <see cref="Build(string[])"/>; <paramref name="addServices"/> adds services after the gateway's own (for tests).</summary>
    internal static WebApplication Build(string[] configurationArgs, Action<IServiceCollection>? addServices)
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
        MailGateConfiguration.Checked(builder.Configuration); // before Serilog or any option reads it

        builder.AddMailGateLogging();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.Configure<HostOptions>(o =>
        {
            o.ShutdownTimeout = TimeSpan.FromSeconds(30);
            o.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.StopHost;
        });
        builder.Services.AddSingleton(sp => new BackgroundServiceWatch(
            sp,
            sp.GetRequiredService<IHostApplicationLifetime>(),
            essential: [typeof(MessageProcessor), typeof(SmtpReceiverService), typeof(SupportCasePoller)], // without them the gateway only looks alive
            sp.GetRequiredService<ILogger<BackgroundServiceWatch>>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<BackgroundServiceWatch>());

        builder.Services
            .AddObservability()
            .AddSpool()
            .AddParsing()
            .AddRules()
            .AddMessageProcessing()     // registered before the listener: resumes the spool first
            .AddPagerDutyDelivery()
            .AddSmtpReceiving()
            .AddSupportCasePolling(builder.Configuration); // the second way in: AWS Support cases, when enabled

        addServices?.Invoke(builder.Services);

        var http = builder.Configuration.GetSection(HttpOptions.Section).Get<HttpOptions>() ?? new HttpOptions();
        builder.WebHost.UseUrls(CheckedUrl(http.Url));

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

    /// <summary>Kestrel would refuse a bad <c>Http:Url</c> only once SMTP already listens; refuse it before anything starts.</summary>
    private static string CheckedUrl(string url)
    {
        try
        {
            foreach (var address in url.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                _ = Microsoft.AspNetCore.Http.BindingAddress.Parse(address);
            }
        }
        catch (FormatException)
        {
            throw new StartupException($"Http:Url must be a URL such as http://127.0.0.1:8025 (is '{url}')");
        }

        return url;
    }

    /// <summary>
    /// Validates every option (<c>ValidateOnStart</c>) and creates every hosted service with what it
    /// needs, before anything starts: configuration errors (an invalid value, a value the binder cannot
    /// convert, a singleton that cannot be built from its settings) are thrown here, to the caller, not
    /// in the middle of starting; and the spool's lock is taken (<see cref="Spool.SpoolLockedException"/>
    /// when another gateway holds it) before anything reads or recovers the spool.
    /// </summary>
    public static void Prepare(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Services.GetService<IStartupValidator>()?.Validate();
        _ = app.Services.GetServices<IHostedService>().ToArray();
    }
}

using MailGate.Core.Deliver;
using MailGate.Core.Parse;
using MailGate.Core.Rules;
using MailGate.Core.Spool;
using MailGate.Coverage;
using MailGate.Deliver;
using MailGate.HealthEvents;
using MailGate.Heartbeat;
using MailGate.Http;
using MailGate.Observability;
using MailGate.Parse;
using MailGate.Poll;
using MailGate.Process;
using MailGate.Push;
using MailGate.Receive;
using MailGate.Rules;
using MailGate.Spool;
using MailGate.Startup;
using MailGate.Status;
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
        MailGateConfiguration.CheckArguments(configurationArgs);
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
            .AddHealthEndpoints()
            .AddSpool()
            .AddParsing(sp => sp.GetRequiredService<IOptions<SmtpOptions>>().Value.MaxHeaderSize)
            .AddRules()
            .AddCoverageReceiving()     // coverage probes are recognised before the rules (issue #15)
            .AddMessageProcessing()     // registered before the listener: resumes the spool first
            .AddPagerDutyDelivery()
            .AddSmtpReceiving()
            .AddSupportCasePolling(builder.Configuration) // the second way in: AWS Support cases, when enabled
            .AddHealthEventPolling(builder.Configuration) // the third: AWS Health events, when enabled
            .AddAwsEventsPush(builder.Configuration)      // and pushed by EventBridge or SNS, when enabled
            .AddCoverage(builder.Configuration)           // coverage probes through a relay, and their deadlines (issue #15), when enabled
            .AddCoverageWatch()                           // coverage (#15): silence alarm, the coverage view and metrics
            .AddHeartbeat(builder.Configuration);         // the heartbeat out, when Heartbeat:Url is set

        addServices?.Invoke(builder.Services);

        var http = builder.Configuration.GetSection(HttpOptions.Section).Get<HttpOptions>() ?? new HttpOptions();
        builder.WebHost.UseUrls(CheckedUrl(http.Url));
        builder.Services.AddStatus(http); // the status page and its API: loopback only, or behind Http:StatusToken

        var app = builder.Build();
        app.MapHealthEndpoints();
        app.MapStatus();
        app.MapAwsEvents(builder.Configuration);
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

    /// <summary>
    /// <c>Http:Url</c> as Kestrel will use it, refused before anything starts when Kestrel would refuse it
    /// only once SMTP already listens (a scheme but http, a path, a port out of range, <c>localhost:0</c>),
    /// or would do something else than it says: a host name (<c>http://mailgate.example.com:8025</c>) or
    /// anything but an IP address, <c>localhost</c> or a wildcard makes Kestrel listen on every interface,
    /// putting health and metrics on the internet.
    /// </summary>
    internal static string CheckedUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            throw new StartupException($"Http:Url must be a URL such as http://127.0.0.1:8025 (is '{url}')");
        }

        foreach (var address in url.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (UrlProblem(address) is { } problem)
            {
                throw new StartupException($"Http:Url {problem} (is '{url}')");
            }
        }

        return url;
    }

    private static string? UrlProblem(string address)
    {
        Microsoft.AspNetCore.Http.BindingAddress binding;
        try
        {
            binding = Microsoft.AspNetCore.Http.BindingAddress.Parse(address);
        }
        catch (FormatException)
        {
            return "must be a URL such as http://127.0.0.1:8025";
        }

        var host = binding.Host.TrimStart('[').TrimEnd(']');
        var localhost = host.Equals("localhost", StringComparison.OrdinalIgnoreCase);
        return binding.Scheme != "http" ? "must be an http:// URL: health and metrics are served without TLS (keep them on a private address)"
            : binding.Port is < 0 or > 65535 ? "must have a port between 0 and 65535"
            : binding.PathBase.Length > 0 ? "must have no path: the endpoints are /healthz, /readyz and /metrics"
            : !(System.Net.IPAddress.TryParse(host, out _) || localhost || host is "*" or "+") ? "must name an IP address, localhost, or * (every interface); a host name makes Kestrel listen on every interface"
            : localhost && binding.Port == 0 ? "cannot pick a free port (0) on localhost: use 127.0.0.1:0"
            : null;
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

using System.CommandLine;
using MailGate.Hosting;
using MailGate.Spool;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MailGate.Cli;

/// <summary><c>mailgate [serve] [--Section:Key=value …]</c>: runs the gateway until SIGTERM or Ctrl+C.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var serve = new Command("serve", "Run the gateway (the default command).") { TreatUnmatchedTokensAsErrors = false };
        serve.SetAction((result, _) => RunAsync([.. result.UnmatchedTokens]));
        return serve;
    }

    /// <summary>
    /// Runs the host. Exit codes: 0 only for a requested stop (SIGTERM, Ctrl+C), also one requested while
    /// the gateway was still starting; 1 for any abnormal stop (a background service failed or ended, a service failed to
    /// start, SMTP never listened, the spool is locked by another gateway); 2 for bad configuration,
    /// reported as one line per problem (<c>Configuration error: …</c>) without a stack trace.
    /// </summary>
    public static Task<int> RunAsync(string[] configurationArgs) => RunAsync(configurationArgs, addServices: null);

    /// <summary>As <see cref="RunAsync(string[])"/>; <paramref name="addServices"/> adds services to the host (tests add failing ones).</summary>
    internal static async Task<int> RunAsync(string[] configurationArgs, Action<IServiceCollection>? addServices)
    {
        Serilog.Log.Logger = LoggingSetup.CreateBootstrapLogger();
        try
        {
            await using var app = MailGateHost.Build(configurationArgs, addServices);
            MailGateHost.Prepare(app);
            var watch = app.Services.GetRequiredService<BackgroundServiceWatch>();
            var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
            if (await StartAsync(app, lifetime).ConfigureAwait(false))
            {
                await app.WaitForShutdownAsync().ConfigureAwait(false);
            }
            else
            {
                // Asked to stop while still starting: by SIGTERM or Ctrl+C (a clean stop), or because a
                // service failed (the watch tells). Stop what did start, SMTP's draining included.
                await app.StopAsync().ConfigureAwait(false);
            }

            // The host stops only when asked: by SIGTERM or Ctrl+C (clean, however early: also while it
            // was still starting, before SMTP listened), or by the watch for a failed service.
            return watch.Conclude() ? ExitCodes.Failure : ExitCodes.Ok;
        }
        catch (Exception e) when (StartupErrors.Describe(e) is { } lines)
        {
            foreach (var line in lines)
            {
                Serilog.Log.Fatal("Configuration error: {Problem}", line);
            }

            return ExitCodes.BadConfiguration;
        }
        catch (SpoolLockedException e)
        {
            Serilog.Log.Fatal("Cannot start: {Problem}. Stop that gateway, or give this one its own Spool:Path", e.Message);
            return ExitCodes.Failure;
        }
        catch (Exception e)
        {
            Serilog.Log.Fatal(e, "MailGate stopped unexpectedly");
            return ExitCodes.Failure;
        }
        finally
        {
            await Serilog.Log.CloseAndFlushAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Starts the host; false when a stop was requested before it finished starting (its start is then cancelled).</summary>
    private static async Task<bool> StartAsync(WebApplication app, IHostApplicationLifetime lifetime)
    {
        try
        {
            await app.StartAsync().ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return false;
        }
    }
}

using MailGate.Core.Spool;
using System.CommandLine;
using MailGate.Hosting;
using MailGate.Spool;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

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
        Serilog.Log.Logger = LoggingSetup.CreateBootstrapLogger(LoggingSetup.WantsJson(configurationArgs));
        try
        {
            await using var app = MailGateHost.Build(configurationArgs, addServices);
            MailGateHost.Prepare(app);
            var watch = app.Services.GetRequiredService<BackgroundServiceWatch>();
            var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
            var start = await StartAsync(app, lifetime).ConfigureAwait(false);
            if (start is Start.Started)
            {
                await app.WaitForShutdownAsync().ConfigureAwait(false);
            }
            else
            {
                // Asked to stop while still starting: by SIGTERM or Ctrl+C (a clean stop), or because a
                // service failed (the watch tells); or HTTP could not listen. Stop what did start, SMTP's
                // draining included.
                await app.StopAsync().ConfigureAwait(false);
            }

            if (start is Start.CannotListen)
            {
                return ExitCodes.Failure;
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

    /// <summary>How a start ended.</summary>
    private enum Start
    {
        /// <summary>Everything started.</summary>
        Started,

        /// <summary>A stop was requested before the start finished; the start was cancelled.</summary>
        StopRequested,

        /// <summary>The HTTP server could not listen (its address is in use, or not this machine's); logged (event 920).</summary>
        CannotListen,
    }

    /// <summary>Starts the host.</summary>
    private static async Task<Start> StartAsync(WebApplication app, IHostApplicationLifetime lifetime)
    {
        try
        {
            await app.StartAsync().ConfigureAwait(false);
            return Start.Started;
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return Start.StopRequested;
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException && BindError(e) is { } error)
        {
            // Kestrel's "Failed to bind to address …: address already in use", with its stack, said in one line.
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ServeCommand).FullName!);
            Log.HttpCannotListen(logger, app.Configuration[$"{Http.HttpOptions.Section}:Url"] ?? new Http.HttpOptions().Url, error);
            return Start.CannotListen;
        }
    }

    /// <summary>The socket error under Kestrel's bind failure, or null when <paramref name="error"/> is something else.</summary>
    private static string? BindError(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is System.Net.Sockets.SocketException or Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                return e.Message;
            }
        }

        return null;
    }
}

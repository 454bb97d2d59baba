using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MailGate.Hosting;

/// <summary>
/// Watches every <see cref="BackgroundService"/> of the host. One that throws (at any time, also while
/// starting or stopping), or an essential one that ends while the host is not stopping (the SMTP
/// listener or the processor gone quietly), stops the host and marks the run as failed, so that
/// <c>serve</c> exits non-zero and a supervisor that restarts only on failure restarts the gateway.
/// </summary>
/// <remarks>
/// <para>The host's own handling (<see cref="BackgroundServiceExceptionBehavior.StopHost"/>) stops it on an
/// exception too, but lets the process exit 0, and ignores a service that returns early. Its log lines
/// for these cases are left out (<see cref="LoggingSetup.IsReportedByMailGate"/>): this class writes
/// one line per failed service instead (events 901, 902). Services not named essential may end on their
/// own (the rules watcher has nothing to watch with the built-in rules).</para>
/// <para>Failures are seen as they happen once the host has started; <see cref="Conclude"/>, called when
/// the host has stopped, also finds those of a start that was cut short.</para>
/// </remarks>
/// <param name="services">Where the hosted services are found.</param>
/// <param name="lifetime">The host's lifetime: stopping is normal once it is requested.</param>
/// <param name="essential">The services that must run until the host stops.</param>
/// <param name="logger">For events 901 and 902.</param>
internal sealed class BackgroundServiceWatch(IServiceProvider services, IHostApplicationLifetime lifetime, IReadOnlyCollection<Type> essential, ILogger<BackgroundServiceWatch> logger) : IHostedLifecycleService
{
    private readonly ConcurrentDictionary<BackgroundService, bool> _reported = new();
    private readonly Lock _reporting = new();
    private BackgroundService[] _watched = [];

    /// <summary>Whether a background service failed, or an essential one ended early, as far as seen so far.</summary>
    public bool Failed => !_reported.IsEmpty;

    /// <summary>Once the host has stopped: reports every failure not seen yet, and tells whether the run failed.</summary>
    public bool Conclude()
    {
        foreach (var service in _watched)
        {
            if (service.ExecuteTask is { IsCompleted: true } ended)
            {
                Ended(service, ended);
            }
        }

        return Failed;
    }

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        _watched = [.. services.GetServices<IHostedService>().OfType<BackgroundService>()];
        return Task.CompletedTask;
    }

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        foreach (var service in _watched)
        {
            _ = service.ExecuteTask?.ContinueWith(ended => Ended(service, ended), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return Task.CompletedTask;
    }

    private void Ended(BackgroundService service, Task ended)
    {
        var error = ended.Exception?.InnerException;
        var endedEarly = error is null && essential.Contains(service.GetType()) && !lifetime.ApplicationStopping.IsCancellationRequested;
        if (error is null && !endedEarly)
        {
            return; // stopped because the host stops, or a service that may end on its own
        }

        lock (_reporting) // so that Conclude returns only once a failure seen at the same time is written
        {
            if (!_reported.TryAdd(service, true))
            {
                return; // reported already
            }

            Report(service, error);
        }

        lifetime.StopApplication();
    }

    private void Report(BackgroundService service, Exception? error)
    {
        if (error is not null)
        {
            // A socket or file the environment refused (a port in use, a disk gone) is said by its message;
            // the stack trace is kept for what is a bug.
            Log.BackgroundServiceFailed(logger, error is System.Net.Sockets.SocketException or IOException or UnauthorizedAccessException ? null : error, service.GetType().Name, error.Message);
        }
        else
        {
            Log.BackgroundServiceEnded(logger, service.GetType().Name);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

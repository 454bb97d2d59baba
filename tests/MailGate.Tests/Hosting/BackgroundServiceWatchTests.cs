using MailGate.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MailGate.Tests.Hosting;

/// <summary>
/// Issue #11 §2 "After a background service fails, the process exits 0": the watch marks every
/// abnormal end of a background service as a failure and stops the host; normal ends are not failures.
/// </summary>
[TestFixture]
public sealed class BackgroundServiceWatchTests
{
    private static IHost CreateHost(BackgroundService service, bool essential, ILogger<BackgroundServiceWatch>? logger = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(sp => new BackgroundServiceWatch(
            sp, sp.GetRequiredService<IHostApplicationLifetime>(), essential ? [service.GetType()] : [], logger ?? NullLogger<BackgroundServiceWatch>.Instance));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<BackgroundServiceWatch>());
        builder.Services.AddHostedService(_ => service);
        return builder.Build();
    }

    [Test]
    public async Task Fault_AfterStart_IsAFailure_AndStopsTheHost()
    {
        var service = new Scripted(async (started, _) =>
        {
            await started;
            throw new InvalidOperationException("listener died");
        });

        Assert.That(await FailedOnceStoppedByItselfAsync(service, essential: false), Is.True);
    }

    [Test]
    public async Task EssentialService_EndsWhileRunning_IsAFailure_AndStopsTheHost()
    {
        var service = new Scripted(async (started, _) => await started);

        Assert.That(await FailedOnceStoppedByItselfAsync(service, essential: true), Is.True);
    }

    /// <summary>Starts a host with <paramref name="service"/>, lets it go, waits until the host stops by itself (the watch, or the host, stopping it), and tells whether the watch saw a failure.</summary>
    private static async Task<bool> FailedOnceStoppedByItselfAsync(Scripted service, bool essential)
    {
        using var host = CreateHost(service, essential);
        var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;

        await host.StartAsync();
        service.Go();
        await WaitAsync(stopping);
        await host.StopAsync();
        return host.Services.GetRequiredService<BackgroundServiceWatch>().Conclude();
    }

    [Test]
    public async Task OtherService_EndsOnItsOwn_IsNoFailure_AndTheHostRuns()
    {
        var service = new Scripted(async (started, _) => await started);
        using var host = CreateHost(service, essential: false);
        var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;

        await host.StartAsync();
        service.Go();
        await service.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(stopping.IsCancellationRequested, Is.False);
        Assert.That(host.Services.GetRequiredService<BackgroundServiceWatch>().Failed, Is.False);
        await host.StopAsync();
    }

    [Test]
    public async Task EssentialService_CancelledByTheStop_IsNoFailure()
    {
        var service = new Scripted((_, stoppingToken) => UntilCancelled(stoppingToken));
        using var host = CreateHost(service, essential: true);

        await host.StartAsync();
        await service.Running;
        await host.StopAsync();

        Assert.That(host.Services.GetRequiredService<BackgroundServiceWatch>().Conclude(), Is.False);
    }

    [Test]
    public async Task Fault_WhileStopping_IsAFailure()
    {
        var service = new Scripted(async (_, stoppingToken) =>
        {
            try
            {
                await UntilCancelled(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                throw new IOException("could not flush on the way out");
            }
        });
        using var host = CreateHost(service, essential: false);

        await host.StartAsync();
        await service.Running;
        await host.StopAsync();

        Assert.That(host.Services.GetRequiredService<BackgroundServiceWatch>().Conclude(), Is.True);
    }

    /// <summary>
    /// A service the environment stopped (SMTP's port in use: a SocketException; a disk: an IOException) is
    /// said in one line, event 901, its message naming the cause; the stack trace, which says nothing more,
    /// is kept for errors that are bugs.
    /// </summary>
    [TestCase(typeof(System.Net.Sockets.SocketException), false)]
    [TestCase(typeof(IOException), false)]
    [TestCase(typeof(UnauthorizedAccessException), false)]
    [TestCase(typeof(InvalidOperationException), true)]
    [TestCase(typeof(NullReferenceException), true)]
    public async Task Fault_IsLoggedOnce_WithAStackTraceOnlyForABug(Type errorType, bool withStackTrace)
    {
        var logger = new Support.CollectingLogger<BackgroundServiceWatch>();
        var error = (Exception)Activator.CreateInstance(errorType)!;
        var service = new Scripted(async (started, _) =>
        {
            await started;
            throw error;
        });
        using var host = CreateHost(service, essential: true, logger);
        var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;

        await host.StartAsync();
        service.Go();
        await WaitAsync(stopping);
        await host.StopAsync();
        host.Services.GetRequiredService<BackgroundServiceWatch>().Conclude(); // returns once the line is written

        var entry = logger.Entries.Single();
        Assert.That((entry.EventId, entry.Level), Is.EqualTo((901, LogLevel.Critical)));
        Assert.That(entry.Message, Does.StartWith($"Scripted failed: {error.Message}."));
        Assert.That(entry.Exception, withStackTrace ? Is.SameAs(error) : Is.Null);
    }

    /// <summary>Completes (cancelled) when <paramref name="token"/> is cancelled, and not before: no timer involved.</summary>
    private static Task UntilCancelled(CancellationToken token) => new TaskCompletionSource().Task.WaitAsync(token);

    /// <summary>Waits (at most 10 s, a failure guard) until <paramref name="token"/> is cancelled.</summary>
    private static Task WaitAsync(CancellationToken token) =>
        UntilCancelled(token).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);

    /// <summary>A background service running <c>run</c>; its first argument completes when the test says <see cref="Go"/>.</summary>
    private sealed class Scripted(Func<Task, CancellationToken, Task> run) : BackgroundService
    {
        private readonly TaskCompletionSource _go = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _running = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes once <c>run</c> has begun (a host stopped before that never runs it at all).</summary>
        public Task Running => _running.Task.WaitAsync(TimeSpan.FromSeconds(10));

        public void Go() => _go.TrySetResult();

        protected override Task ExecuteAsync(CancellationToken stoppingToken)
        {
            _running.TrySetResult();
            return run(_go.Task, stoppingToken);
        }
    }
}

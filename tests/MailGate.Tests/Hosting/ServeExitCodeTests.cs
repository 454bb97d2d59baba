using MailGate.Cli;
using MailGate.Receive;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MailGate.Tests.Hosting;

/// <summary>
/// Issue #11 §2 "After a background service fails, the process exits 0": <c>serve</c> exits 0 only for
/// a clean stop; the real gateway, with one extra service that fails in each way, exits 1.
/// </summary>
[TestFixture]
public sealed class ServeExitCodeTests
{
    private string _spool = null!;

    [SetUp]
    public void SetUp() => _spool = Path.Combine(Path.GetTempPath(), "mailgate-tests", Guid.NewGuid().ToString("N"));

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_spool))
        {
            Directory.Delete(_spool, recursive: true);
        }
    }

    private Task<int> ServeAsync(Action<IServiceCollection> addServices) =>
        ServeCommand.RunAsync(["--Smtp:Port=0", "--Http:Url=http://127.0.0.1:0", $"--Spool:Path={_spool}", "--Trust:Verify=false", "--Serilog:MinimumLevel:Default=Warning"], addServices)
            .WaitAsync(TimeSpan.FromSeconds(60));

    [Test]
    public async Task BackgroundServiceThrows_AfterSmtpListened_Exits1()
    {
        var exit = await ServeAsync(services => services.AddHostedService<ThrowsOnceSmtpListens>());

        Assert.That(exit, Is.EqualTo(1), "the issue's case: SMTP had been listening, and serve returned 0");
    }

    [Test]
    public async Task BackgroundServiceThrows_WhileTheHostIsStarting_Exits1()
    {
        var exit = await ServeAsync(services => services.AddHostedService<ThrowsAtOnce>());

        Assert.That(exit, Is.EqualTo(1), "the start is cut short (the HTTP server's start is cancelled), and it is still a failure");
    }

    [Test]
    public async Task HostedServiceStartAsyncThrows_Exits1()
    {
        var exit = await ServeAsync(services => services.AddHostedService<ThrowsInStartAsync>());

        Assert.That(exit, Is.EqualTo(1));
    }

    [Test]
    public async Task StoppedOnRequest_AfterSmtpListened_Exits0()
    {
        var exit = await ServeAsync(services => services.AddHostedService<StopsOnceSmtpListens>());

        Assert.That(exit, Is.Zero, "a requested stop (what SIGTERM does) is clean");
    }

    /// <summary>
    /// SIGTERM while the gateway was still starting (recovering a large spool, before SMTP listened) made
    /// serve exit 1, with no line saying why: a requested stop is clean however early it comes. Here a
    /// service that runs first asks for the stop, as the console lifetime does on SIGTERM.
    /// </summary>
    [Test]
    public async Task StopRequested_WhileStarting_BeforeSmtpListens_Exits0()
    {
        var exit = await ServeAsync(services => services.Insert(0, ServiceDescriptor.Singleton<IHostedService, StopsWhileStarting>()));

        Assert.That(exit, Is.Zero);
    }

    private sealed class StopsWhileStarting(IHostApplicationLifetime lifetime) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            lifetime.StopApplication();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class ThrowsOnceSmtpListens(SmtpListenerEndpoint smtp) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await smtp.Bound.WaitAsync(stoppingToken);
            throw new InvalidOperationException("a background service failed");
        }
    }

    private sealed class ThrowsAtOnce : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) => throw new InvalidOperationException("failed at once");
    }

    private sealed class StopsOnceSmtpListens(SmtpListenerEndpoint smtp, IHostApplicationLifetime lifetime) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await smtp.Bound.WaitAsync(stoppingToken);
            lifetime.StopApplication();
        }
    }

    private sealed class ThrowsInStartAsync : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("cannot start");

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

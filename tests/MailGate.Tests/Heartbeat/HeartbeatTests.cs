using System.Diagnostics.Metrics;
using System.Threading.Channels;
using MailGate.Heartbeat;
using MailGate.Observability;
using MailGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace MailGate.Tests.Heartbeat;

/// <summary>
/// Issue #15, the heartbeat out: a real gateway on a fake clock requests <c>Heartbeat:Url</c> every interval while it
/// is healthy, stops while its storage cannot be written, and resumes afterwards. Each interval's result is read from
/// the counter <c>mailgate.heartbeat.requests</c> as it is recorded (no waiting on time).
/// </summary>
[TestFixture]
public sealed class HeartbeatTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(37); // no other timer of the gateway has this period

    [Test]
    public async Task StopsWhileStorageIsUnwritable_AndResumesAfterwards()
    {
        var time = new IntervalTime(Interval);
        await using var monitor = await ScriptedHttpServer.StartAsync();
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        var results = Channel.CreateUnbounded<string>();
        var (gateway, listener) = await StartAsync(pagerDuty, time, new Uri(monitor.Url, "ping/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"), results.Writer, "--Heartbeat:Method=POST");
        await using var stopGateway = gateway;
        using var stopListening = listener;

        async Task<string> NextIntervalAsync()
        {
            time.Advance(Interval);
            return await results.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        }

        Assert.That(await NextIntervalAsync(), Is.EqualTo("ok"));
        Assert.That(monitor.Requests, Is.EqualTo(1));

        var active = Path.Combine(gateway.SpoolPath, "active");
        Directory.Delete(active, recursive: true); // every commit fails now: /readyz says not ready
        Assert.That(await NextIntervalAsync(), Is.EqualTo("skipped"));
        Assert.That(await NextIntervalAsync(), Is.EqualTo("skipped"));
        Assert.That(monitor.Requests, Is.EqualTo(1), "no heartbeat while unhealthy");

        Directory.CreateDirectory(active);
        Assert.That(await NextIntervalAsync(), Is.EqualTo("ok"));
        Assert.That(await NextIntervalAsync(), Is.EqualTo("ok"));
        Assert.That(monitor.Requests, Is.EqualTo(3));
    }

    [Test]
    public async Task ARedirect_IsAFailure_NotFollowed()
    {
        var time = new IntervalTime(Interval);
        await using var elsewhere = await ScriptedHttpServer.StartAsync();
        await using var monitor = await ScriptedHttpServer.StartAsync();
        monitor.Respond = ScriptedHttpServer.Redirect(307, elsewhere.Url);
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        var results = Channel.CreateUnbounded<string>();
        var (gateway, listener) = await StartAsync(pagerDuty, time, new Uri(monitor.Url, "ping/secret-check-id"), results.Writer);
        await using var stopGateway = gateway;
        using var stopListening = listener;

        time.Advance(Interval);
        Assert.That(await results.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20)), Is.EqualTo("failed"));
        Assert.That((monitor.Requests, elsewhere.Requests), Is.EqualTo((1, 0)));
    }

    [TestCase("https://hc-ping.com/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "https://hc-ping.com")]
    [TestCase("https://nosnch.in/c2354d53d2?m=ok", "https://nosnch.in")]
    [TestCase("http://127.0.0.1:8123/ping/abc", "http://127.0.0.1:8123")]
    public void Target_IsSchemeAndHostOnly(string url, string target) => Assert.That(HeartbeatSender.Target(new Uri(url)), Is.EqualTo(target));

    [Test]
    public void Redact_RemovesThePathAndQuery_HoweverQuoted()
    {
        var url = new Uri("https://hc-ping.com/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0?token=s3cr3tt0ken");
        var text = "404 no check 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0; %30f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0; token S3CR3TT0KEN; https://hc-ping.com/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0?token=s3cr3tt0ken";
        var redacted = HeartbeatSender.Redact(url, text);
        Assert.That(redacted, Does.Not.Contain("0f1e2d3c").And.Not.Contain("s3cr3t").IgnoreCase.And.StartWith("404 no check [redacted]"));
    }

    [TestCase(null, null, null, null, null)]
    [TestCase("https://hc-ping.com/x", "00:01:00", "00:00:10", "GET", null)]
    [TestCase("http://hc-ping.com/x", "00:01:00", "00:00:10", "GET", "Heartbeat:Url must be https (http only to a loopback address) (is http://hc-ping.com/…)")]
    [TestCase("https://user:pw@hc-ping.com/x", "00:01:00", "00:00:10", "GET", "Heartbeat:Url must have no user info or fragment (is https://hc-ping.com/…)")]
    [TestCase("https://hc-ping.com/x", "00:00:01", "00:00:01", "GET", "Heartbeat:Interval must be between 00:00:10 and 1.00:00:00 (is 00:00:01)")]
    [TestCase("https://hc-ping.com/x", "00:01:00", "00:02:00", "GET", "Heartbeat:Timeout must be between 00:00:01 and Heartbeat:Interval (is 00:02:00)")]
    [TestCase("https://hc-ping.com/x", "00:01:00", "00:00:10", "HEAD", "Heartbeat:Method must be GET or POST (is 'HEAD')")]
    public void Options_AreChecked_NamingTheKey(string? url, string? interval, string? timeout, string? method, string? failure)
    {
        var options = new HeartbeatOptions { Url = url is null ? null : new Uri(url) };
        options.Interval = interval is null ? options.Interval : TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture);
        options.Timeout = timeout is null ? options.Timeout : TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture);
        options.Method = method ?? options.Method;
        var result = new HeartbeatOptionsValidator().Validate(null, options);
        Assert.That(result.Failed ? result.FailureMessage : null, Is.EqualTo(failure));
    }

    /// <summary>A gateway on <paramref name="time"/> with the heartbeat to <paramref name="url"/>, its results written to <paramref name="results"/>, once the heartbeat's loop runs.</summary>
    private static async Task<(GatewayHarness Gateway, MeterListener Listener)> StartAsync(FakePagerDuty pagerDuty, IntervalTime time, Uri url, ChannelWriter<string> results, params string[] settings)
    {
        var gateway = await GatewayHarness.StartAsync(
            pagerDuty,
            services => services.AddSingleton<TimeProvider>(time),
            GatewayHarness.DefaultRules,
            [$"--Heartbeat:Url={url}", $"--Heartbeat:Interval={Interval}", "--Spool:MinFreeBytes=0", .. settings]);
        var listener = Listen(gateway, results);
        await time.TimerCreated.WaitAsync(TimeSpan.FromSeconds(20));
        return (gateway, listener);
    }

    /// <summary>Writes each heartbeat interval's result of <paramref name="gateway"/>'s meter to <paramref name="results"/>.</summary>
    private static MeterListener Listen(GatewayHarness gateway, ChannelWriter<string> results)
    {
        var factory = gateway.Services.GetRequiredService<IMeterFactory>();
        _ = gateway.Services.GetRequiredService<MailGateMetrics>();
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "mailgate.heartbeat.requests" && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "result")
                {
                    results.TryWrite((string)tag.Value!);
                }
            }
        });
        listener.Start();
        return listener;
    }

    /// <summary>A fake clock that tells when a periodic timer of <paramref name="interval"/> (the heartbeat's) is created.</summary>
    private sealed class IntervalTime(TimeSpan interval) : FakeTimeProvider(DateTimeOffset.UtcNow)
    {
        private readonly TaskCompletionSource _created = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task TimerCreated => _created.Task;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            if (period == interval)
            {
                _created.TrySetResult();
            }

            return timer;
        }
    }
}

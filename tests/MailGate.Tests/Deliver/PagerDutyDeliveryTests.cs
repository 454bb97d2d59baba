using MailGate.Core.Messages;
using MailGate.Core.Deliver;
using MailGate.Core.Rules;
using MailGate.Core.Spool;
using MailGate.Core.Storage;
using System.Diagnostics.Metrics;
using MailGate.Deliver;
using MailGate.Observability;
using MailGate.Rules;
using MailGate.Spool;
using MailGate.Tests.Shared;
using MailGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MailGate.Tests.Deliver;

/// <summary>The retry policy, on fake time: no test here waits for a real delay.</summary>
[TestFixture]
public sealed partial class PagerDutyDeliveryTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private const string Key = "R0123456789abcdef0123456789abcde";
    private string _folder = null!;
    private DrivenTime _time = null!;
    private SteppedClock _clock = null!;
    private RulesProvider _rules = null!;

    [SetUp]
    public void SetUp()
    {
        _folder = Path.Combine(Path.GetTempPath(), "mailgate-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        _time = new DrivenTime(Start);
        _clock = new SteppedClock(_time);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_folder, recursive: true);

    private PagerDutyCircuit _circuit = null!;

    private PagerDutyDelivery CreateSut(HttpMessageHandler handler, CollectingLogger<PagerDutyDelivery> logger, string routingKey = Key, TimeSpan? maxAge = null, int breakerFailures = 1000, TimeSpan? breakDuration = null, TimeSpan? minRetryTime = null, int maxConcurrentRequests = 4)
    {
        WriteRules(routingKey);
        _rules = new RulesProvider(Options.Create(new RulesOptions { Path = RulesPath }), NullLogger<RulesProvider>.Instance);
        var options = Options.Create(new PagerDutyOptions
        {
            EventsUrl = new Uri("http://127.0.0.1:9/v2/enqueue"),
            RetryBaseDelay = TimeSpan.FromSeconds(2),
            RetryMaxDelay = TimeSpan.FromMinutes(5),
            MaxAge = maxAge ?? TimeSpan.FromHours(24),
            MinRetryTime = minRetryTime ?? TimeSpan.FromMinutes(15),
            BreakerFailures = breakerFailures,
            BreakDuration = breakDuration ?? TimeSpan.FromSeconds(30),
            MaxConcurrentRequests = maxConcurrentRequests,
        });
        _circuit = new PagerDutyCircuit(options, _clock, NullLogger<PagerDutyCircuit>.Instance);
#pragma warning disable CA2000 // The client owns the handler; the test owns the handler's script.
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        var spool = new SpoolStore(Path.Combine(_folder, "spool"));
        var metrics = new MailGateMetrics(meters, [new SpoolMetrics(spool, _clock), new RulesMetrics(_rules), new PagerDutyCircuitMetrics(_circuit)]);
        var ledger = new DeliveryLedgerGate(spool, Options.Create(new SpoolOptions()), _clock, NullLogger<DeliveryLedgerGate>.Instance);
        return new PagerDutyDelivery(new PagerDutyClient(new HttpClient(handler, disposeHandler: false), options, _clock), _circuit, ledger, _rules, options, metrics, _clock, logger, NullLogger<PagerDutyCircuit>.Instance);
#pragma warning restore CA2000
    }

    private string RulesPath => Path.Combine(_folder, "rules.yaml");

    /// <summary>Writes the rules file: route <c>oncall</c> with <paramref name="routingKey"/>, or no route at all when null.</summary>
    private void WriteRules(string? routingKey) =>
        File.WriteAllText(RulesPath, routingKey is null
            ? "version: 1\nroutes:\n  other:\n    pagerduty:\n      routing_key: R9999999999999999999999999999999\nrules:\n  - name: all\n    route: other\n"
            : $"version: 1\nroutes:\n  oncall:\n    pagerduty:\n      routing_key: {routingKey}\nrules:\n  - name: all\n    route: oncall\n");

    private static SpooledMessage Message(DateTimeOffset received) =>
        new("019a7f3c2b10-5e0c9a1f", "/nonexistent", Envelope.ForMail("a@example.com", ["b@example.com"], received, null, null));

    private static DeliveryRecord Record(string route = "oncall", bool trusted = true) => new()
    {
        Rule = "all",
        Route = route,
        Event = new PagerDutyEvent { DedupKey = "k", Payload = new PagerDutyPayload { Summary = "s", Source = "src", Severity = "critical", CustomDetails = new PagerDutyDetails { Trusted = trusted } } },
    };

    /// <summary>Runs the delivery, moving fake time forward by each wait it starts (<see cref="DrivenTime"/>), until it ends.</summary>
    private async Task<(DeliveryRecord Result, List<DeliveryRecord> Progress)> RunAsync(
        PagerDutyDelivery sut, DeliveryRecord record, DateTimeOffset? received = null, Action<DeliveryRecord>? onProgress = null)
    {
        var progress = new List<DeliveryRecord>();
        var task = sut.DeliverAsync(
            Message(received ?? Start),
            record,
            DeliveryClock.Now(_clock),
            (r, _) =>
            {
                progress.Add(r);
                onProgress?.Invoke(r);
                return ValueTask.CompletedTask;
            },
            CancellationToken.None);
        return (await _time.RunAsync(task), progress);
    }

    private static TimeSpan[] RetryDelays(CollectingLogger<PagerDutyDelivery> logger) =>
        logger.Entries.Where(e => e.EventId == 502).Select(e => (TimeSpan)e.Properties["RetryDelay"]!).ToArray();

    [Test]
    public async Task Deliver_Accepted_IsDeliveredAfterOneAttempt()
    {
        using var handler = new ScriptedHandler(ScriptedHandler.Status(202));
        var logger = new CollectingLogger<PagerDutyDelivery>();
        using var sut = CreateSut(handler, logger);

        var (result, progress) = await RunAsync(sut, Record());

        Assert.That(result.Status, Is.EqualTo(DeliveryStatus.Delivered));
        Assert.That(result.Attempts, Is.EqualTo(1));
        Assert.That(progress, Is.Empty);
        Assert.That(handler.Bodies.Single(), Does.Contain($"\"routing_key\":\"{Key}\""));
    }

    [TestCase(500)]
    [TestCase(502)]
    [TestCase(503)]
    [TestCase(429)]
    public async Task Deliver_TransientStatus_IsRetriedUntilAccepted(int status)
    {
        using var handler = new ScriptedHandler(ScriptedHandler.Status(status), ScriptedHandler.Status(status), ScriptedHandler.Status(202));
        var logger = new CollectingLogger<PagerDutyDelivery>();
        using var sut = CreateSut(handler, logger);

        var (result, progress) = await RunAsync(sut, Record());

        Assert.That(result.Status, Is.EqualTo(DeliveryStatus.Delivered));
        Assert.That(result.Attempts, Is.EqualTo(3));
        Assert.That(result.LastError, Is.Null);
        Assert.That(progress.Select(p => p.Attempts), Is.EqualTo(new[] { 1, 2 }), "each failure is reported for the spool before waiting");
        Assert.That(progress[0].LastError, Does.StartWith($"HTTP {status}"));
    }

    [Test]
    public async Task Deliver_ConnectionRefused_IsRetried()
    {
        using var handler = new ScriptedHandler(ScriptedHandler.Refused(), ScriptedHandler.Status(202));
        var logger = new CollectingLogger<PagerDutyDelivery>();
        using var sut = CreateSut(handler, logger);

        var (result, progress) = await RunAsync(sut, Record());

        Assert.That(result.Status, Is.EqualTo(DeliveryStatus.Delivered));
        Assert.That(progress.Single().LastError, Does.Contain("Connection refused"));
    }

    [TestCase(400)]
    [TestCase(403)]
    [TestCase(404)]
    public async Task Deliver_ClientError_IsRejectedWithoutRetry(int status)
    {
        using var handler = new ScriptedHandler(ScriptedHandler.Status(status, body: """{"status":"invalid event","message":"Event object is invalid","errors":["'payload.summary' is missing"]}"""));
        var logger = new CollectingLogger<PagerDutyDelivery>();
        using var sut = CreateSut(handler, logger);

        var (result, _) = await RunAsync(sut, Record());

        Assert.That(result.Status, Is.EqualTo(DeliveryStatus.Rejected));
        Assert.That(handler.Requests, Is.EqualTo(1));
        Assert.That(result.LastError, Is.EqualTo($"HTTP {status}: Event object is invalid; 'payload.summary' is missing"));
    }

    [Test]
    public async Task Deliver_RetryAfter_IsHonoured()
    {
        using var handler = new ScriptedHandler(ScriptedHandler.Status(429, retryAfter: TimeSpan.FromSeconds(42)), ScriptedHandler.Status(202));
        var logger = new CollectingLogger<PagerDutyDelivery>();
        using var sut = CreateSut(handler, logger);

        await RunAsync(sut, Record());

        Assert.That(RetryDelays(logger), Is.EqualTo(new[] { TimeSpan.FromSeconds(42) }));
    }

    [Test]
    public async Task Deliver_RetryAfterOfADay_WaitsNoLongerThanRetryMaxDelay()
    {
        using var handler = new ScriptedHandler(ScriptedHandler.Status(429, retryAfter: TimeSpan.FromDays(1)), ScriptedHandler.Status(202));
        var logger = new CollectingLogger<PagerDutyDelivery>();
        using var sut = CreateSut(handler, logger);

        var (result, _) = await RunAsync(sut, Record());

        Assert.That(result.Status, Is.EqualTo(DeliveryStatus.Delivered));
        Assert.That(RetryDelays(logger), Is.EqualTo(new[] { TimeSpan.FromMinutes(5) }), "PagerDuty:RetryMaxDelay");
    }

    [TestCase(0, TestName = "Deliver_RetryAfterZero_BacksOffAsWithoutIt")]
    [TestCase(-3600, TestName = "Deliver_RetryAfterDateInThePast_BacksOffAsWithoutIt")]
    public async Task Deliver_RetryAfterOfNoTime_BacksOffAsWithoutIt(int seconds)
    {
        // Before: each such answer was retried at once, a request loop only the circuit breaker ended.
        var answer = () =>
        {
            var response = ScriptedHandler.Status(429)();
            response.Headers.Date = Start;
            response.Headers.RetryAfter = seconds == 0
                ? new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.Zero)
                : new System.Net.Http.Headers.RetryConditionHeaderValue(Start.AddSeconds(seconds));
            return response;
        };
        using var handler = new ScriptedHandler([.. Enumerable.Repeat(answer, 4), ScriptedHandler.Status(202)]);
        var logger = new CollectingLogger<PagerDutyDelivery>();
        using var sut = CreateSut(handler, logger);

        await RunAsync(sut, Record());

        Assert.That(RetryDelays(logger), Has.Length.EqualTo(4).And.All.GreaterThan(TimeSpan.Zero), "PagerDuty:RetryBaseDelay and its exponential backoff");
    }

    [TestCase("R0123456789ABCDEF0123456789ABCDE")]
    [TestCase("r0123456789abcdef0123456789abcde")]
    [TestCase("%52%30123456789abcdef0123456789abcde")]
    public async Task Deliver_RejectionQuotingTheKeyInAnyCaseOrEncoding_StoresAndLogsNoKey(string quoted)
    {
        using var handler = new ScriptedHandler(
            ScriptedHandler.Status(500, body: $"upstream said {quoted}"),
            ScriptedHandler.Status(400, body: $$"""{"message":"Event object is invalid","errors":["bad routing_key {{quoted}}"]}"""));
        var logger = new CollectingLogger<PagerDutyDelivery>();
        using var sut = CreateSut(handler, logger);

        var (result, progress) = await RunAsync(sut, Record());

        var stored = progress.Select(p => p.LastError).Append(result.LastError).OfType<string>().ToArray();
        var logged = logger.Entries.Select(e => e.Message).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(DeliveryStatus.Rejected));
            Assert.That(result.LastError, Is.EqualTo("HTTP 400: Event object is invalid; bad routing_key [routing key]"));
            Assert.That(stored.Concat(logged).Select(t => t.ToUpperInvariant()), Has.None.Contains(Key[4..].ToUpperInvariant()));
            Assert.That(stored.Concat(logged), Has.None.Contains("%52%30123"));
        });
    }

    [Test]
    public async Task Deliver_RepeatedFailures_BackOffExponentiallyUpToTheCap()
    {
        var script = Enumerable.Repeat(ScriptedHandler.Status(503), 12).Append(ScriptedHandler.Status(202)).ToArray();
        using var handler = new ScriptedHandler(script);
        var logger = new CollectingLogger<PagerDutyDelivery>();
        using var sut = CreateSut(handler, logger);

        await RunAsync(sut, Record());

        var delays = RetryDelays(logger);
        Assert.That(delays, Has.Length.EqualTo(12));
        Assert.That(delays, Has.All.LessThanOrEqualTo(TimeSpan.FromMinutes(5)));
        Assert.That(delays[^1], Is.GreaterThan(delays[0] * 8), "delays grow");
    }
}

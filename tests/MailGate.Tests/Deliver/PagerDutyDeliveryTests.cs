using System.Diagnostics.Metrics;
using MailGate.Deliver;
using MailGate.Observability;
using MailGate.Rules;
using MailGate.Spool;
using MailGate.Storage;
using MailGate.Tests.Shared;
using MailGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MailGate.Tests.Deliver;

/// <summary>The retry policy, on fake time: no test here waits for a real delay.</summary>
[TestFixture]
public sealed class PagerDutyDeliveryTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private const string Key = "R0123456789abcdef0123456789abcde";
    private string _folder = null!;
    private FakeTimeProvider _time = null!;
    private SteppedClock _clock = null!;
    private RulesProvider _rules = null!;

    [SetUp]
    public void SetUp()
    {
        _folder = Path.Combine(Path.GetTempPath(), "mailgate-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        _time = new FakeTimeProvider(Start);
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
        var metrics = new MailGateMetrics(meters, new SpoolStore(Path.Combine(_folder, "spool")), _rules, _circuit, _clock);
        return new PagerDutyDelivery(new PagerDutyClient(new HttpClient(handler, disposeHandler: false), options, _clock), _circuit, _rules, options, metrics, _clock, logger, NullLogger<PagerDutyCircuit>.Instance);
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

    /// <summary>Runs the delivery, moving fake time forward whenever it waits, until it ends.</summary>
    private async Task<(DeliveryRecord Result, List<DeliveryRecord> Progress)> RunAsync(
        PagerDutyDelivery sut, DeliveryRecord record, DateTimeOffset? received = null, Action<DeliveryRecord>? onProgress = null, TimeSpan? step = null)
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
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!task.IsCompleted)
        {
            guard.Token.ThrowIfCancellationRequested();
            _time.Advance(step ?? TimeSpan.FromSeconds(1));
            await Task.Yield();
        }

        return (await task, progress);
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

    [Test]
    public async Task Deliver_FailingPastMaxAge_Expires()
    {
        using var handler = new ScriptedHandler(ScriptedHandler.Status(503));
        var logger = new CollectingLogger<PagerDutyDelivery>();
        using var sut = CreateSut(handler, logger, maxAge: TimeSpan.FromMinutes(10));

        var (result, _) = await RunAsync(sut, Record());

        Assert.That(result.Status, Is.EqualTo(DeliveryStatus.Expired));
        Assert.That(result.LastError, Does.Contain("PagerDuty:MaxAge").And.Contain("HTTP 503"));
        Assert.That(_time.GetUtcNow() - Start, Is.GreaterThanOrEqualTo(TimeSpan.FromMinutes(10)));
    }

    [Test]
    public async Task Deliver_MessageAlreadyOlderThanMaxAge_IsStillTriedAndDelivered()
    {
        using var handler = new ScriptedHandler(ScriptedHandler.Status(202));
        var logger = new CollectingLogger<PagerDutyDelivery>();
        using var sut = CreateSut(handler, logger, maxAge: TimeSpan.FromHours(1));

        var (result, _) = await RunAsync(sut, Record(), received: Start - TimeSpan.FromHours(2));

        Assert.That(result.Status, Is.EqualTo(DeliveryStatus.Delivered), "never expired before it was tried");
        Assert.That(handler.Requests, Is.EqualTo(1));
    }

    [Test]
    public async Task Deliver_MessageAlreadyOlderThanMaxAge_FailingExpiresOnlyAfterMinRetryTimeOfTrying()
    {
        using var handler = new ScriptedHandler(ScriptedHandler.Status(503));
        var logger = new CollectingLogger<PagerDutyDelivery>();
        using var sut = CreateSut(handler, logger, maxAge: TimeSpan.FromHours(1), minRetryTime: TimeSpan.FromMinutes(15));

        var (result, _) = await RunAsync(sut, Record(), received: Start - TimeSpan.FromHours(30));

        Assert.That(result.Status, Is.EqualTo(DeliveryStatus.Expired));
        Assert.That(result.Attempts, Is.GreaterThan(1));
        Assert.That(_time.GetUtcNow() - Start, Is.GreaterThanOrEqualTo(TimeSpan.FromMinutes(15)), "a wall clock that says 30 h does not end retrying at once");
    }

    /// <summary>Issue #11 §4: the clock was 30 h behind when the message arrived (PagerDuty down), then stepped forward.</summary>
    [Test]
    public async Task Deliver_ClockSteppedForward30HoursDuringOutage_IsNotExpiredAndIsDeliveredWhenPagerDutyReturns()
    {
        var script = Enumerable.Repeat(ScriptedHandler.Status(503), 6).Append(ScriptedHandler.Status(202)).ToArray();
        using var handler = new ScriptedHandler(script);
        var logger = new CollectingLogger<PagerDutyDelivery>();
        using var sut = CreateSut(handler, logger, maxAge: TimeSpan.FromHours(24));
        _clock.Step(-TimeSpan.FromHours(30));
        var receivedByTheWrongClock = _clock.GetUtcNow();
        var stepped = false;

        var (result, _) = await RunAsync(sut, Record(), received: receivedByTheWrongClock, onProgress: _ =>
        {
            if (!stepped)
            {
                _clock.Step(TimeSpan.FromHours(30)); // NTP corrects the clock after the first failure
                stepped = true;
            }
        });

        Assert.That(stepped, Is.True);
        Assert.That(result.Status, Is.EqualTo(DeliveryStatus.Delivered));
        Assert.That(result.Attempts, Is.EqualTo(7));
    }

    [Test]
    public async Task Deliver_ClockSteppedBack30HoursDuringOutage_StillExpiresAfterMaxAgeOfMonotonicTime()
    {
        using var handler = new ScriptedHandler(ScriptedHandler.Status(503));
        var logger = new CollectingLogger<PagerDutyDelivery>();
        using var sut = CreateSut(handler, logger, maxAge: TimeSpan.FromMinutes(30), minRetryTime: TimeSpan.FromMinutes(1));
        var stepped = false;

        var (result, _) = await RunAsync(sut, Record(), onProgress: _ =>
        {
            if (!stepped)
            {
                _clock.Step(-TimeSpan.FromHours(30));
                stepped = true;
            }
        });

        Assert.That(result.Status, Is.EqualTo(DeliveryStatus.Expired));
        var elapsed = _time.GetUtcNow() - Start;
        Assert.That(elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMinutes(30)));
        Assert.That(elapsed, Is.LessThan(TimeSpan.FromMinutes(30) + TimeSpan.FromMinutes(6)), "within one backoff of MaxAge, not 30 h later");
    }

    [Test]
    public async Task Deliver_ClockSteppedBack30HoursWhileTheCircuitIsOpen_ProbesAfterTheBreakDurationAnyway()
    {
        var script = Enumerable.Repeat(ScriptedHandler.Status(503), 5).Append(ScriptedHandler.Status(202)).ToArray();
        using var handler = new ScriptedHandler(script);
        var logger = new CollectingLogger<PagerDutyDelivery>();
        using var sut = CreateSut(handler, logger, breakerFailures: 5, breakDuration: TimeSpan.FromMinutes(10));
        var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _circuit.Opened += (_, _) =>
        {
            _clock.Step(-TimeSpan.FromHours(30));
            opened.TrySetResult();
        };
        var task = sut.DeliverAsync(Message(Start), Record(), DeliveryClock.Now(_clock), (_, _) => ValueTask.CompletedTask, CancellationToken.None);

        // Fake time moves on only while the delivery waits; a wall clock 30 h behind would need 30 h of it.
        for (var second = 0; second < 2 * 3600 && !task.IsCompleted; second++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(TimeSpan.FromMilliseconds(1), TimeProvider.System);
        }

        Assert.That(opened.Task.IsCompleted, Is.True, "the circuit opened");
        Assert.That(task.IsCompleted, Is.True, "probed once its 10 minutes were over (within 2 h), not 30 hours later");
        Assert.That((await task).Status, Is.EqualTo(DeliveryStatus.Delivered));
        Assert.That(handler.Requests, Is.EqualTo(6));
    }

    [Test]
    public async Task Deliver_RouteRemovedFromTheRulesWhileRetrying_IsRouteMissingAtTheNextAttempt()
    {
        using var handler = new ScriptedHandler(ScriptedHandler.Status(503), ScriptedHandler.Status(202));
        var logger = new CollectingLogger<PagerDutyDelivery>();
        using var sut = CreateSut(handler, logger);

        var (result, _) = await RunAsync(sut, Record(), onProgress: _ =>
        {
            WriteRules(routingKey: null);
            _rules.Reload();
        });

        Assert.That(result.Status, Is.EqualTo(DeliveryStatus.RouteMissing));
        Assert.That(result.Attempts, Is.EqualTo(1));
        Assert.That(handler.Requests, Is.EqualTo(1), "the removed route's key is not used again");
        Assert.That(result.LastError, Is.EqualTo("route 'oncall' is no longer in the rules; 'mailgate spool retry' sends it once the route is back"));
    }

    [Test]
    public async Task Deliver_RoutingKeyChangedWhileRetrying_NextAttemptUsesTheNewKey()
    {
        const string newKey = "Rfedcba9876543210fedcba987654321";
        using var handler = new ScriptedHandler(ScriptedHandler.Status(503), ScriptedHandler.Status(202));
        var logger = new CollectingLogger<PagerDutyDelivery>();
        using var sut = CreateSut(handler, logger);

        var (result, _) = await RunAsync(sut, Record(), onProgress: _ =>
        {
            WriteRules(newKey);
            _rules.Reload();
        });

        Assert.That(result.Status, Is.EqualTo(DeliveryStatus.Delivered));
        Assert.That(handler.Bodies[0], Does.Contain(Key));
        Assert.That(handler.Bodies[1], Does.Contain(newKey).And.Not.Contain(Key));
    }

    [Test]
    public async Task Deliver_UntrustedFailures_OpenOnlyTheUntrustedCircuit_TrustedEventsStillGoOut()
    {
        using var handler = new ScriptedHandler(
            [.. Enumerable.Repeat(ScriptedHandler.Status(429), 3), ScriptedHandler.Status(202), ScriptedHandler.Status(202)]);
        var logger = new CollectingLogger<PagerDutyDelivery>();
        using var sut = CreateSut(handler, logger, breakerFailures: 3, breakDuration: TimeSpan.FromMinutes(10));

        var (untrusted, _) = await RunAsync(sut, Record(trusted: false));

        Assert.That(untrusted.Status, Is.EqualTo(DeliveryStatus.Delivered));
        Assert.That(untrusted.Attempts, Is.EqualTo(4), "its own breaker opened and waited before the fourth");
        Assert.That(_circuit.IsOpen, Is.False, "untrusted 429s never opened the trusted circuit");
        var requestsBefore = handler.Requests;
        var (trusted, _) = await RunAsync(sut, Record());
        Assert.That(trusted.Status, Is.EqualTo(DeliveryStatus.Delivered));
        Assert.That(trusted.Attempts, Is.EqualTo(1));
        Assert.That(handler.Requests, Is.EqualTo(requestsBefore + 1));
    }

    [Test]
    public async Task Deliver_UntrustedRequestInFlight_DoesNotTakeTheTrustedSlot()
    {
        using var handler = new GatedHandler();
        var logger = new CollectingLogger<PagerDutyDelivery>();
        using var sut = CreateSut(handler, logger, maxConcurrentRequests: 1);
        var noProgress = new PagerDutyDelivery.ProgressCallback((_, _) => ValueTask.CompletedTask);

        var untrusted = sut.DeliverAsync(Message(Start), Record(trusted: false), DeliveryClock.Now(_clock), noProgress, CancellationToken.None);
        await handler.Held.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var trusted = await sut.DeliverAsync(Message(Start), Record(), DeliveryClock.Now(_clock), noProgress, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(trusted.Status, Is.EqualTo(DeliveryStatus.Delivered), "sent while the untrusted request still hangs");
        Assert.That(untrusted.IsCompleted, Is.False);
        handler.Release.SetResult();
        Assert.That((await untrusted.WaitAsync(TimeSpan.FromSeconds(10))).Status, Is.EqualTo(DeliveryStatus.Delivered));
    }

    [Test]
    public async Task Deliver_TwoUntrustedEvents_OneRequestInFlightAtATime()
    {
        using var handler = new GatedHandler();
        var logger = new CollectingLogger<PagerDutyDelivery>();
        using var sut = CreateSut(handler, logger, maxConcurrentRequests: 4);
        var noProgress = new PagerDutyDelivery.ProgressCallback((_, _) => ValueTask.CompletedTask);

        var first = sut.DeliverAsync(Message(Start), Record(trusted: false), DeliveryClock.Now(_clock), noProgress, CancellationToken.None);
        var second = sut.DeliverAsync(Message(Start), Record(trusted: false), DeliveryClock.Now(_clock), noProgress, CancellationToken.None);
        await handler.Held.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(handler.Requests, Is.EqualTo(1), "the second untrusted request waits for the first");
        handler.Release.SetResult();
        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(handler.Requests, Is.EqualTo(2));
    }

    [Test]
    public async Task Deliver_RouteNoLongerInTheRules_IsRouteMissing()
    {
        using var handler = new ScriptedHandler(ScriptedHandler.Status(202));
        var logger = new CollectingLogger<PagerDutyDelivery>();
        using var sut = CreateSut(handler, logger);

        var (result, _) = await RunAsync(sut, Record(route: "removed"));

        Assert.That(result.Status, Is.EqualTo(DeliveryStatus.RouteMissing));
        Assert.That(handler.Requests, Is.Zero);
    }

    [Test]
    public async Task Deliver_RetryLogLines_NeverContainTheRoutingKey()
    {
        using var handler = new ScriptedHandler(ScriptedHandler.Status(500, body: $"echo {Key}"), ScriptedHandler.Status(202));
        var logger = new CollectingLogger<PagerDutyDelivery>();
        using var sut = CreateSut(handler, logger);

        await RunAsync(sut, Record());

        Assert.That(logger.Entries, Is.Not.Empty);
        Assert.That(logger.Entries.Select(e => e.Message), Has.None.Contains(Key[4..]));
    }

    [Test]
    public async Task Deliver_RepeatedFailures_OpenTheCircuit_WhichPausesSendingThenProbes()
    {
        var script = Enumerable.Repeat(ScriptedHandler.Status(503), 5).Append(ScriptedHandler.Status(202)).ToArray();
        using var handler = new ScriptedHandler(script);
        var logger = new CollectingLogger<PagerDutyDelivery>();
        // The break outlasts the longest backoff (RetryMaxDelay, 5 min), so the next try meets the open circuit.
        using var sut = CreateSut(handler, logger, breakerFailures: 5, breakDuration: TimeSpan.FromMinutes(10));
        var opened = 0;
        _circuit.Opened += (_, _) => opened++;

        var (result, _) = await RunAsync(sut, Record());

        Assert.That(result.Status, Is.EqualTo(DeliveryStatus.Delivered));
        Assert.That(opened, Is.EqualTo(1));
        Assert.That(result.Attempts, Is.EqualTo(6), "attempts count real requests, not refusals by the open circuit");
        Assert.That(handler.Requests, Is.EqualTo(6));
        Assert.That(_time.GetUtcNow() - Start, Is.GreaterThanOrEqualTo(TimeSpan.FromMinutes(10)), "the probe waited for the break to end");
        Assert.That(_circuit.IsOpen, Is.False, "the successful probe closed it");
    }

    /// <summary>Holds every untrusted request until <see cref="Release"/>; answers trusted ones at once (202).</summary>
    private sealed class GatedHandler : HttpMessageHandler
    {
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = await request.Content!.ReadAsStringAsync(cancellationToken);
            Interlocked.Increment(ref _requests);
            if (body.Contains("\"trusted\":false", StringComparison.Ordinal))
            {
                Held.TrySetResult();
                await Release.Task.WaitAsync(cancellationToken);
            }

            return new HttpResponseMessage(System.Net.HttpStatusCode.Accepted) { Content = new StringContent("{}") };
        }
    }
}

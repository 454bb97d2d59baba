using MailGate.Core.Deliver;
using MailGate.Core.Spool;
using MailGate.Core.Storage;
using MailGate.Deliver;
using MailGate.Spool;
using MailGate.Tests.Support;

namespace MailGate.Tests.Deliver;

/// <summary>The retry policy, part 2: giving up after the maximum age on monotonic time (also when the wall clock steps), and rule changes while retrying.</summary>
public sealed partial class PagerDutyDeliveryTests
{
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
        // Fake time moves on only by the waits the delivery starts; a wall clock 30 h behind would need 30 h of it.
        var result = await _time.RunAsync(sut.DeliverAsync(Message(Start), Record(), DeliveryClock.Now(_clock), (_, _) => ValueTask.CompletedTask, CancellationToken.None));

        Assert.That(opened.Task.IsCompleted, Is.True, "the circuit opened");
        Assert.That(_time.GetUtcNow() - Start, Is.LessThan(TimeSpan.FromHours(2)), "probed once its 10 minutes were over (within 2 h), not 30 hours later");
        Assert.That(result.Status, Is.EqualTo(DeliveryStatus.Delivered));
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
}

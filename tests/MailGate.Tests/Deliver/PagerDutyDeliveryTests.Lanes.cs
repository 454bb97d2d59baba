using MailGate.Core.Deliver;
using MailGate.Core.Spool;
using MailGate.Core.Storage;
using MailGate.Deliver;
using MailGate.Spool;
using MailGate.Tests.Support;

namespace MailGate.Tests.Deliver;

/// <summary>The retry policy, part 3: trusted and untrusted lanes, their circuits and slots.</summary>
public sealed partial class PagerDutyDeliveryTests
{
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

using MailGate.Core.Messages;
using MailGate.Core.Spool;
using MailGate.Core.Storage;
using MailGate.Process;
using MailGate.Spool;
using MailGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MailGate.Tests.Reliability;

/// <summary>
/// A message whose processing fails unexpectedly, every time (a bug, a file that cannot be read), is
/// not taken up at every scan forever with an Error and a stack trace each time: after
/// <see cref="ProcessingFailures.Limit"/> failures in a row it is dead-lettered with the reason, visible
/// and retryable. The failure is injected through the processor's <see cref="IStateStore"/>.
/// </summary>
[TestFixture]
public sealed class PoisonMessageTests
{
    private FakePagerDuty _pagerDuty = null!;
    private GatewayHarness _gateway = null!;
    private readonly FailingReads _store = new();
    private readonly CollectingLogger<MessageProcessor> _log = new();

    [SetUp]
    public async Task SetUp()
    {
        _pagerDuty = await FakePagerDuty.StartAsync();
        _gateway = await GatewayHarness.StartAsync(
            _pagerDuty,
            services =>
            {
                services.AddSingleton<IStateStore>(sp =>
                {
                    _store.Inner = new StorageStateStore(sp.GetRequiredService<IProcessingStore>());
                    return _store;
                });
                services.AddSingleton<ILogger<MessageProcessor>>(_log);
            },
            GatewayHarness.DefaultRules,
            "--Spool:ScanInterval=00:00:00.100");
    }

    [TearDown]
    public async Task TearDown()
    {
        await _gateway.DisposeAsync();
        await _pagerDuty.DisposeAsync();
    }

    [Test]
    public async Task FailingEveryTime_IsDeadLetteredAfterTheLimit_WithTheReason_AndOneStackTrace()
    {
        _store.Failures = int.MaxValue;

        var id = await Mail.SendAsync(_gateway, Mail.Fixture("abuse-report-via-google-group.eml"));

        Assert.That(await _gateway.WaitFinishedAsync(id, TimeSpan.FromSeconds(30)), Is.EqualTo(SpoolArea.Dead));
        var state = SpoolStore.ReadState(_gateway.Spool.Find(id)!.Value.Message);
        var entries = _log.Entries.Where(e => e.Properties.TryGetValue("SpoolId", out var spoolId) && Equals(spoolId, id)).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(state.Error, Is.EqualTo($"processing failed {ProcessingFailures.Limit} times in a row: InvalidOperationException: a bug"));
            Assert.That(_store.Reads, Is.EqualTo(ProcessingFailures.Limit), "not taken up again once dead-lettered");
            Assert.That(entries.Select(e => e.EventId), Is.EqualTo(new[] { 404, 416, 416, 416, 417, 402 }), "first failure, the next ones, giving up, the dead letter");
            Assert.That(entries.Count(e => e.Exception is not null), Is.EqualTo(1), "one stack trace, not one per scan");
            Assert.That(_pagerDuty.Requests, Is.Empty);
        });
    }

    [Test]
    public async Task FailingTwiceThenWorking_IsDecidedAndPagedOnce()
    {
        _store.Failures = 2;

        var id = await Mail.SendAsync(_gateway, Mail.Fixture("abuse-report-via-google-group.eml"));

        Assert.That(await _gateway.WaitFinishedAsync(id, TimeSpan.FromSeconds(30)), Is.EqualTo(SpoolArea.Done));
        Assert.That(_pagerDuty.Requests, Has.Count.EqualTo(1));
    }

    /// <summary>
    /// The database away for longer than the limit (found by the PostgreSQL attack): each failure is the storage's,
    /// not the message's, so it is never dead-lettered; once the storage answers it is decided and paged, and the wait
    /// is logged once (event 420), without the failure events.
    /// </summary>
    [Test]
    public async Task StorageUnavailable_LongerThanTheLimit_IsNotDeadLettered_AndIsPagedOnceItAnswers()
    {
        _store.Failure = () => new StorageUnavailableException("PostgreSQL at db:5432/mailgate: connection refused");
        _store.Failures = ProcessingFailures.Limit + 3;

        var id = await Mail.SendAsync(_gateway, Mail.Fixture("abuse-report-via-google-group.eml"));

        Assert.That(await _gateway.WaitFinishedAsync(id, TimeSpan.FromSeconds(30)), Is.EqualTo(SpoolArea.Done));
        var events = _log.Entries.Where(e => e.Properties.TryGetValue("SpoolId", out var spoolId) && Equals(spoolId, id)).Select(e => e.EventId).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(_store.Reads, Is.GreaterThan(ProcessingFailures.Limit + 3));
            Assert.That(_pagerDuty.Requests, Has.Count.EqualTo(1));
            Assert.That(events.Count(e => e == 420), Is.EqualTo(1), "the wait, once");
            Assert.That(events, Has.None.AnyOf(404, 416, 417, 402), "no failure counted, no dead letter");
        });
    }

    /// <summary>The real store, but the first <see cref="Failures"/> reads of a state throw <see cref="Failure"/> (by default what no file system does).</summary>
    private sealed class FailingReads : IStateStore
    {
        private int _reads;

        public StorageStateStore Inner { get; set; } = null!;

        public int Failures { get; set; }

        public Func<Exception> Failure { get; set; } = () => new InvalidOperationException("a bug");

        public int Reads => Volatile.Read(ref _reads);

        public ProcessingState ReadState(StoredMessage message) =>
            Interlocked.Increment(ref _reads) <= Failures ? throw Failure() : Inner.ReadState(message);

        public void WriteState(StoredMessage message, ProcessingState state) => Inner.WriteState(message, state);

        public StoredMessage Move(StoredMessage message, SpoolArea area) => Inner.Move(message, area);
    }
}

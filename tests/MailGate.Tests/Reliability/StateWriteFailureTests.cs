using MailGate.Core.Messages;
using MailGate.Core.Spool;
using MailGate.Core.Storage;
using System.Text.Json;
using MailGate.Process;
using MailGate.Spool;
using MailGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Tests.Reliability;

/// <summary>
/// Issue #11 §4, "a read-only spool pages every scan": when <c>state.json</c> cannot be written (a file
/// system remounted read-only, a full disk) nothing known in memory is lost: an event PagerDuty accepted
/// is never sent again, nothing is sent before the decision is on disk, the gateway says it is not
/// ready, and all is written once the spool takes writes again. The failure is injected through the
/// processor's <see cref="IStateStore"/> (tests run as root, whom a read-only mode does not stop).
/// </summary>
[TestFixture]
public sealed class StateWriteFailureTests
{
    private FakePagerDuty _pagerDuty = null!;
    private FaultyStateStore _store = null!;
    private GatewayHarness _gateway = null!;

    [SetUp]
    public async Task SetUp()
    {
        _pagerDuty = await FakePagerDuty.StartAsync();
        _store = new FaultyStateStore();
        _gateway = await GatewayHarness.StartAsync(
            _pagerDuty,
            services => services.AddSingleton<IStateStore>(sp =>
            {
                _store.Inner = new StorageStateStore(sp.GetRequiredService<IProcessingStore>());
                return _store;
            }),
            GatewayHarness.DefaultRules,
            "--Spool:ScanInterval=00:00:00.100");
    }

    [TearDown]
    public async Task TearDown()
    {
        await _gateway.DisposeAsync();
        await _pagerDuty.DisposeAsync();
    }

    private Task ScansAsync(int count) => WaitForAsync<ProcessingEvents>(count, (events, handler) => events.Scanned += handler);

    private Task RetryRoundsAsync(int count) => WaitForAsync<UnsavedWork>(count, (unsaved, handler) => unsaved.RoundCompleted += handler);

    private async Task WaitForAsync<T>(int count, Action<T, EventHandler> subscribe)
        where T : notnull
    {
        var seen = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        subscribe(_gateway.Services.GetRequiredService<T>(), (_, _) =>
        {
            if (Interlocked.Increment(ref seen) >= count)
            {
                done.TrySetResult();
            }
        });
        await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private async Task<(int Status, string[] Problems)> ReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = _gateway.HttpUrl };
        using var response = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return ((int)response.StatusCode, json.RootElement.GetProperty("problems").EnumerateArray().Select(p => p.GetString()!).ToArray());
    }

    private async Task HealAndExpectDoneAsync(string id)
    {
        _store.Fail = _ => false;
        _store.FailMoves = false;
        Assert.That(await _gateway.WaitFinishedAsync(id, TimeSpan.FromSeconds(30)), Is.EqualTo(SpoolArea.Done));
        Assert.That(SpoolStore.ReadState(_gateway.Spool.Find(id)!.Value.Message).Deliveries.Single().Status, Is.EqualTo(DeliveryStatus.Delivered));
        Assert.That((await ReadyAsync()).Status, Is.EqualTo(200));
    }

    /// <summary>The input: after PagerDuty's 202 the state cannot be written.</summary>
    [Test]
    public async Task StateCannotBeWrittenAfterPagerDutyAccepted_IsNeverSentAgain_NotReadyUntilWritten()
    {
        _store.Fail = state => state.Deliveries.Any(d => d.Status == DeliveryStatus.Delivered);

        var id = await Mail.SendAsync(_gateway, Mail.Fixture("abuse-report-via-google-group.eml"));
        await _pagerDuty.WaitForAsync(r => r.Count >= 1, TimeSpan.FromSeconds(20));
        await ScansAsync(10);
        await RetryRoundsAsync(2);

        Assert.That(_pagerDuty.Requests, Has.Count.EqualTo(1), "the rescans do not send it again from the stale state.json");
        Assert.That(SpoolStore.ReadState(_gateway.Spool.Find(id)!.Value.Message).Deliveries.Single().Status, Is.EqualTo(DeliveryStatus.Pending), "what the disk still says");
        var (status, problems) = await ReadyAsync();
        Assert.That(status, Is.EqualTo(503));
        Assert.That(problems, Has.Some.StartsWith("spool: cannot record the state of 1 message(s) (Read-only file system)"));
        using (var http = new HttpClient { BaseAddress = _gateway.HttpUrl })
        {
            Assert.That(await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)), Does.Match("mailgate_spool_state_write_failures_total(\\{[^}]*\\})? [1-9]"));
        }

        await HealAndExpectDoneAsync(id);
        Assert.That(_pagerDuty.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task DecisionCannotBeWritten_NothingIsSentUntilItIs()
    {
        _store.Fail = _ => true;

        var id = await Mail.SendAsync(_gateway, Mail.Fixture("abuse-report-via-google-group.eml"));
        await ScansAsync(10);
        await RetryRoundsAsync(2);

        Assert.That(_pagerDuty.Requests, Is.Empty, "a restart must not decide differently from what was sent");
        Assert.That((await ReadyAsync()).Status, Is.EqualTo(503));

        await HealAndExpectDoneAsync(id);
        Assert.That(_pagerDuty.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task ProgressCannotBeWrittenWhileRetrying_RetriesGoOnAndTheEventIsSentUntilAcceptedOnly()
    {
        _pagerDuty.Respond = n => n <= 2 ? FakeResponse.Unavailable : FakeResponse.Accepted;
        _store.Fail = state => state.Deliveries.Any(d => d.Attempts > 0);

        var id = await Mail.SendAsync(_gateway, Mail.Fixture("abuse-report-via-google-group.eml"));
        await _pagerDuty.WaitForAsync(r => r.Any(e => e.Status == 202), TimeSpan.FromSeconds(20));
        await ScansAsync(10);

        Assert.That(_pagerDuty.Requests.Select(r => r.Status), Is.EqualTo(new[] { 503, 503, 202 }));
        await HealAndExpectDoneAsync(id);
        Assert.That(_pagerDuty.Requests, Has.Count.EqualTo(3));
    }

    [Test]
    public async Task MoveToDoneFails_MessageStaysInHandAndIsNotSentAgain()
    {
        _store.FailMoves = true;

        var id = await Mail.SendAsync(_gateway, Mail.Fixture("abuse-report-via-google-group.eml"));
        await _pagerDuty.WaitForAsync(r => r.Count >= 1, TimeSpan.FromSeconds(20));
        await ScansAsync(10);
        await RetryRoundsAsync(1);

        Assert.That(_gateway.Spool.Find(id)!.Value.Area, Is.EqualTo(SpoolArea.Active));
        Assert.That(SpoolStore.ReadState(_gateway.Spool.Find(id)!.Value.Message).IsFinished, Is.True);
        Assert.That((await ReadyAsync()).Status, Is.EqualTo(503));
        Assert.That(_pagerDuty.Requests, Has.Count.EqualTo(1));

        await HealAndExpectDoneAsync(id);
        Assert.That(_pagerDuty.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task UnexpectedErrorAfterPagerDutyAccepted_IsNeverSentAgain_TheMessageStillFinishes()
    {
        // Before: the lane's error handler queued the event again as it was, already delivered, and sent it again.
        _store.MoveFailures = 1;

        var id = await Mail.SendAsync(_gateway, Mail.Fixture("abuse-report-via-google-group.eml"));

        Assert.That(await _gateway.WaitFinishedAsync(id, TimeSpan.FromSeconds(30)), Is.EqualTo(SpoolArea.Done));
        await ScansAsync(5);
        Assert.That(_pagerDuty.Requests, Has.Count.EqualTo(1));
        Assert.That(SpoolStore.ReadState(_gateway.Spool.Find(id)!.Value.Message).Deliveries.Single().Attempts, Is.EqualTo(1));
    }

    /// <summary>The spool writer, failing on demand the way a read-only or full file system does.</summary>
    private sealed class FaultyStateStore : IStateStore
    {
        public StorageStateStore Inner { get; set; } = null!;

        /// <summary>Which states fail to be written.</summary>
        public Func<ProcessingState, bool> Fail { get; set; } = _ => false;

        public bool FailMoves { get; set; }

        /// <summary>How many moves still fail with an error no file system gives (a bug, say).</summary>
        public int MoveFailures { get; set; }

        public ProcessingState ReadState(StoredMessage message) => Inner.ReadState(message);

        public void WriteState(StoredMessage message, ProcessingState state)
        {
            if (Fail(state))
            {
                throw new IOException("Read-only file system");
            }

            Inner.WriteState(message, state);
        }

        public StoredMessage Move(StoredMessage message, SpoolArea area)
        {
            if (MoveFailures > 0)
            {
                MoveFailures--;
                throw new InvalidOperationException("unexpected");
            }

            return FailMoves ? throw new IOException("Read-only file system") : Inner.Move(message, area);
        }
    }
}

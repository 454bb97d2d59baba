using System.Net;
using System.Net.Sockets;
using System.Text;
using MailGate.Core.Coverage;
using MailGate.Coverage;
using MailGate.Tests.Support;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MailGate.Tests.Coverage;

/// <summary>
/// The relay alarm (one <c>send_failed</c> alert for all accounts, document <c>relay-alarm</c>) seen by an operator whose
/// relay misbehaves: a damaged alarm document must not lose the resolve, and a relay that took the probe but then stops
/// answering must not make the probe count as failed (nor send it twice).
/// </summary>
[TestFixture]
public sealed class CoverageRelayAttackTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(20);
    private static readonly CoverageTarget Prod = new("111111111111", "prod-payments", "aws-root-111111111111@roots.test");
    private static readonly CoverageTarget Data = new("222222222222", "data-lake", "aws-root-222222222222@roots.test");
    private static readonly CoverageTarget Sandbox = new("333333333333", "sandbox", "aws-root-333333333333@roots.test");

    private FakeTimeProvider _time = null!;
    private MemoryDocuments _documents = null!;
    private CollectedAlerts _alerts = null!;
    private CollectingLogger<CoverageRound> _log = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 6, 0, 0, TimeSpan.Zero));
        _documents = new MemoryDocuments();
        _alerts = new CollectedAlerts();
        _log = new CollectingLogger<CoverageRound>();
    }

    private static CoverageOptions Settings(int port) => new()
    {
        Enabled = true,
        From = "mailgate-probe@gateway.test",
        ProbeKey = "coverage-test-key-0123456789",
        SendFailuresBeforePage = 1,
        Relay = { Host = "127.0.0.1", Port = port, StartTls = "never", Attempts = 2, RetryDelay = TimeSpan.Zero, Timeout = TimeSpan.FromSeconds(30) },
    };

    private CoverageRound Round(CoverageOptions settings) => new(
        _documents, new SmtpProbeSender(Options.Create(settings), _time), _alerts, new TestProbeKey(), Options.Create(settings), _time, _log);

    [Test]
    public async Task ADamagedRelayAlarmDocument_WhileTheAlarmIsOpen_TheResolveIsStillSent_AndTheDocumentReplaced()
    {
        await using var relay = await FakeRelay.StartAsync();
        var settings = Settings(CoverageEndToEndTests.ClosedPort());
        var round = Round(settings);
        await round.RunAsync([Prod], CancellationToken.None);
        Assert.That(_alerts.All.Single().DedupKey, Is.EqualTo(CoverageAlert.RelayKey), "the relay alarm is open");

        _documents.Write(CoverageDocuments.RelayAlarmKey, "{\"open\": tr"u8); // damaged (a torn write, a hand edit)
        settings.Relay.Port = relay.Port; // the relay is back
        _time.Advance(settings.SendRetryInterval);
        await round.RunAsync([Prod], CancellationToken.None);
        _time.Advance(settings.CheckInterval);
        await round.RunAsync([Prod], CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(_alerts.All.Select(a => (a.DedupKey, a.Resolve)), Is.EqualTo(new[] { (CoverageAlert.RelayKey, false), (CoverageAlert.RelayKey, true) }), "the open incident is resolved, once");
            Assert.That(CoverageDocuments.Read<RelayAlarmState>(_documents.Read(CoverageDocuments.RelayAlarmKey))?.Open, Is.False, "the damaged document is replaced");
            Assert.That(_log.Entries.Count(e => e.EventId == 1151), Is.EqualTo(1), "logged once, not every check");
        }
    }

    [Test]
    public async Task ARelayThatTakesTheProbe_ThenDoesNotAnswerQuit_TheProbeIsSent_Once()
    {
        using var relay = new HangingRelay();
        var settings = Settings(relay.Port);
        await RunThroughHangsAsync(relay, settings);
        var sent = _documents.Sent(Prod.AccountId)!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(relay.QuitsSeen, Is.EqualTo(1), "the relay left QUIT unanswered");
            Assert.That(relay.Accepted, Is.EqualTo(1), "the probe the relay took is not sent again (a second copy would arrive as a replay)");
            Assert.That(sent.FailedRounds, Is.Zero);
            Assert.That(sent.ProbeId, Is.Not.Null);
            Assert.That(_alerts.All, Is.Empty);
        }
    }

    [Test]
    public async Task TheRelayRefusesOneRootAddressOnly_ThatAccountIsPagedOnItsOwnKey_NotAsTheRelay_AndResolvedWhenItsProbeArrives()
    {
        await using var relay = await FakeRelay.StartAsync();
        relay.Deliver = SimulatedReceiver.Into(_documents, _time);
        relay.Refuse(Sandbox.RootAddress); // the root group was deleted: the relay (it knows the domain's users) says 550 5.1.1
        var settings = Settings(relay.Port);
        settings.SendFailuresBeforePage = 2;
        var round = Round(settings);
        CoverageTarget[] targets = [Sandbox, Prod, Data];

        for (var r = 1; r <= 3; r++)
        {
            await round.RunAsync(targets, CancellationToken.None);
            _time.Advance(settings.SendRetryInterval);
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(_documents.Sent(Sandbox.AccountId)!.FailedRounds, Is.EqualTo(3));
            Assert.That(_alerts.All.Select(a => (a.DedupKey, a.Kind, a.Resolve)), Is.EqualTo(new[] { (CoverageAlert.AccountKey(Sandbox.AccountId), "send_failed", false) }),
                "one page naming the account whose root address is refused; the relay works (it takes the others' probes)");
            Assert.That(_alerts.All[0].Summary, Does.Contain("sandbox (333333333333").And.Contain("5.1.1"));
        }

        relay.Unrefuse(Sandbox.RootAddress); // the group is back
        await round.RunAsync(targets, CancellationToken.None);

        Assert.That(_alerts.All.Select(a => (a.DedupKey, a.Resolve)), Is.EqualTo(new[] { (CoverageAlert.AccountKey(Sandbox.AccountId), false), (CoverageAlert.AccountKey(Sandbox.AccountId), true) }));
    }

    [Test]
    public async Task TheRelayRefusesEveryRootAddress_ItIsOneRelayAlarm_NotOnePagePerAccount()
    {
        await using var relay = await FakeRelay.StartAsync();
        CoverageTarget[] targets = [Sandbox, Prod, Data];
        foreach (var target in targets)
        {
            relay.Refuse(target.RootAddress); // "relaying denied" for all: the relay's own configuration
        }

        var settings = Settings(relay.Port);
        var round = Round(settings);
        for (var r = 1; r <= 3; r++)
        {
            await round.RunAsync(targets, CancellationToken.None);
            _time.Advance(settings.SendRetryInterval);
        }

        Assert.That(_alerts.All.Select(a => a.DedupKey), Is.EqualTo(new[] { CoverageAlert.RelayKey }));
    }

    [Test]
    public async Task TheRelayFlaps_AcrossRoundsAndALeaderChange_EachOutagePagesOnce_AndIsResolvedOnce()
    {
        await using var relay = await FakeRelay.StartAsync();
        relay.Deliver = SimulatedReceiver.Into(_documents, _time);
        var closed = CoverageEndToEndTests.ClosedPort();
        var settings = Settings(closed);
        settings.SendFailuresBeforePage = 3;
        settings.Interval = settings.SendRetryInterval; // every round tries every account, whether its last send failed or not
        settings.Deadline = TimeSpan.FromMinutes(30);
        var leader = Round(settings);

        async Task RoundsAsync(int port, int rounds)
        {
            settings.Relay.Port = port;
            for (var r = 0; r < rounds; r++)
            {
                await leader.RunAsync([Prod, Data], CancellationToken.None);
                _time.Advance(settings.SendRetryInterval);
            }
        }

        await RoundsAsync(closed, 2);
        leader = Round(settings); // a restart (or another replica takes the role): the state is in the documents
        await RoundsAsync(closed, 2); // the third and fourth failed rounds: one page
        leader = Round(settings);
        await RoundsAsync(relay.Port, 2); // back: one resolve
        await RoundsAsync(closed, 2); // down again for two rounds only: the count started over, no page
        await RoundsAsync(relay.Port, 1);
        await RoundsAsync(closed, 4); // a second outage: one more page

        Assert.That(_alerts.All.Select(a => (a.DedupKey, a.Resolve)), Is.EqualTo(new[]
        {
            (CoverageAlert.RelayKey, false), (CoverageAlert.RelayKey, true), (CoverageAlert.RelayKey, false),
        }));
        Assert.That(CoverageDocuments.Read<RelayAlarmState>(_documents.Read(CoverageDocuments.RelayAlarmKey))?.Open, Is.True, "still down: the alert stays open");
    }

    [Test]
    public async Task ARelayThatGetsTheWholeProbe_ThenNeverAnswers_IsNotSentTheSameProbeAgain()
    {
        using var relay = new HangingRelay(silentAfterData: true);
        var settings = Settings(relay.Port);
        await RunThroughHangsAsync(relay, settings);
        var sent = _documents.Sent(Prod.AccountId)!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(relay.Accepted, Is.EqualTo(1), "the relay may have queued it: the same token sent again would arrive as a replay (paged by a page-everything rule)");
            Assert.That(sent.FailedRounds, Is.EqualTo(1), "no answer: the round failed, the next one sends a new probe");
            Assert.That(sent.LastError, Does.Contain("not tried again"));
        }
    }

    /// <summary>Runs one round for <see cref="Prod"/>; each time the relay hangs, the attempt's timeout passes on the fake clock.</summary>
    private async Task RunThroughHangsAsync(HangingRelay relay, CoverageOptions settings)
    {
        var run = Round(settings).RunAsync([Prod], CancellationToken.None);
        while (!run.IsCompleted)
        {
            var hang = relay.Hangs.WaitAsync(Guard);
            if (await Task.WhenAny(run, hang).WaitAsync(Guard) == hang)
            {
                await hang;
                _time.Advance(settings.Relay.Timeout);
            }
        }

        await run;
    }

    /// <summary>
    /// An SMTP relay on 127.0.0.1 that takes every message (250 after DATA) and then never answers QUIT; or, with
    /// <c>silentAfterData</c>, never answers the end of the message. Each hang releases <see cref="Hangs"/>.
    /// </summary>
    private sealed class HangingRelay : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private int _accepted;
        private int _quits;

        private readonly bool _silentAfterData;

        public HangingRelay(bool silentAfterData = false)
        {
            _silentAfterData = silentAfterData;
            _listener.Start();
            _ = AcceptAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Accepted => Volatile.Read(ref _accepted);

        /// <summary>QUIT commands received (each left unanswered).</summary>
        public int QuitsSeen => Volatile.Read(ref _quits);

        /// <summary>Released once per hang (an unanswered QUIT, or the end of a message).</summary>
        public SemaphoreSlim Hangs { get; } = new(0);

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
            Hangs.Dispose();
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    _ = ServeAsync(client);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // stopped
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using var _ = client;
            try
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII);
                await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
                await writer.WriteLineAsync("220 relay.test ESMTP");
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    var verb = line.Split(' ')[0].ToUpperInvariant();
                    switch (verb)
                    {
                        case "EHLO":
                            await writer.WriteLineAsync("250-relay.test\r\n250 8BITMIME");
                            break;
                        case "DATA":
                            await writer.WriteLineAsync("354 go on");
                            while (await reader.ReadLineAsync(_stop.Token) is { } body && body != ".")
                            {
                            }

                            Interlocked.Increment(ref _accepted);
                            if (_silentAfterData)
                            {
                                Hangs.Release();
                                await reader.ReadLineAsync(_stop.Token); // has the whole message, never answers
                                return;
                            }

                            await writer.WriteLineAsync("250 2.0.0 queued");
                            break;
                        case "QUIT":
                            Interlocked.Increment(ref _quits);
                            Hangs.Release();
                            await reader.ReadLineAsync(_stop.Token); // takes the mail, then hangs until the client gives up
                            return;
                        default:
                            await writer.WriteLineAsync("250 ok");
                            break;
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
            {
                // stopped, or the client went away
            }
        }
    }
}

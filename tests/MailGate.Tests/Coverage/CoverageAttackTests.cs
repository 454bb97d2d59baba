using System.Collections.Concurrent;
using MailGate.Core.Coverage;
using MailGate.Core.Messages;
using MailGate.Core.Spool;
using MailGate.Core.Storage;
using MailGate.Coverage;
using MailGate.Observability;
using MailGate.Spool;
using MailGate.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MailGate.Tests.Coverage;

/// <summary>
/// Issue #15 seen by an attacker who can write to the SMTP port: what the mail controls (List-Ids, tokens) must not
/// grow the storage or the metrics without bound, nor make a real probe look replayed.
/// </summary>
[TestFixture]
public sealed class CoverageAttackTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    /// <summary>Cursor stores in memory.</summary>
    private sealed class MemoryCursors : IPollerCursors
    {
        private readonly ConcurrentDictionary<string, MemoryDocuments> _stores = new(StringComparer.Ordinal);

        public string Location => "memory";

        public ICursorDocuments Cursors(string poller) => _stores.GetOrAdd(poller, _ => new MemoryDocuments());
    }

    private static SilenceRecorder Recorder(IPollerCursors storage, MailArrivals arrivals, TimeProvider time, CollectingLogger<SilenceRecorder> log) =>
        new(storage, arrivals, new CoverageView(storage, arrivals, Options.Create(new CoverageOptions { SilenceAlarm = TimeSpan.FromHours(1) }), time), time, log);

    [Test]
    public void MadeUpListIds_AcrossRestartsAndReplicas_StoreAtMostMaxGroups_AndTheRealOnesStayCurrent()
    {
        var storage = new MemoryCursors();
        var time = new FakeTimeProvider(T0);
        var log = new CollectingLogger<SilenceRecorder>();

        // Three "restarts" (or replicas), each flooded with more made-up List-Ids than one process keeps.
        for (var run = 0; run < 3; run++)
        {
            var arrivals = new MailArrivals();
            arrivals.Received(T0, ["aws-root.example.com"]);
            for (var i = 0; i < MailSilence.MaxGroups + 50; i++)
            {
                arrivals.Received(T0.AddSeconds(run), [$"junk-{run}-{i}.attacker.example"]);
            }

            Recorder(storage, arrivals, time, log).Round(refresh: true);
        }

        var keys = storage.Cursors(MailSilence.Store).Keys();
        var groups = keys.Count(k => k.StartsWith(MailSilence.ListPrefix, StringComparison.Ordinal));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(groups, Is.EqualTo(MailSilence.MaxGroups), "List-Id documents stored over three runs");
            Assert.That(keys, Does.Contain(MailSilence.ListKey("aws-root.example.com")), "a group stored before the flood");
            Assert.That(log.Entries.Count(e => e.EventId == 1199), Is.EqualTo(2), "the cap logged once per run that reached it");
        }

        // A known group's next mail still updates its document once the store is full.
        var later = new MailArrivals();
        later.Received(T0.AddHours(1), ["aws-root.example.com", "new-real.example.com"]);
        var recorder = Recorder(storage, later, time, log);
        recorder.Round(refresh: true);
        var view = new CoverageView(storage, later, Options.Create(new CoverageOptions()), time).Read();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(CoverageDocuments.Read<LastReceived>(storage.Cursors(MailSilence.Store).Read(MailSilence.ListKey("aws-root.example.com")))!.ReceivedAt, Is.EqualTo(T0.AddHours(1)));
            Assert.That(view.Silence.Groups, Has.Count.EqualTo(MailSilence.MaxGroups), "the view (and the metrics' list_id labels) stays bounded too");
            Assert.That(view.Silence.LastReceivedAt, Is.EqualTo(T0.AddHours(1)), "the overall silence counts every mail");
        }
    }

    [Test]
    public async Task DamagedSentDocument_TheProbeStillGoesOut_AndReplacesIt()
    {
        await using var relay = await FakeRelay.StartAsync();
        var time = new FakeTimeProvider(T0);
        var documents = new MemoryDocuments();
        var target = new CoverageTarget("333333333333", "sandbox", "aws-root-333333333333@roots.test");
        documents.Write(CoverageDocuments.SentKey(target.AccountId), "{\"AccountId\": \"333"u8); // cut short: a damaged document
        var settings = new CoverageOptions
        {
            Enabled = true,
            From = "mailgate-probe@gateway.test",
            ProbeKey = "coverage-test-key-0123456789",
            Relay = { Host = "127.0.0.1", Port = relay.Port, StartTls = "auto", Attempts = 1, RetryDelay = TimeSpan.Zero, Timeout = TimeSpan.FromSeconds(30) },
        };
        var log = new CollectingLogger<CoverageRound>();
        var round = new CoverageRound(documents, new SmtpProbeSender(Options.Create(settings), time), new CollectedAlerts(), new TestProbeKey(), Options.Create(settings), time, log);

        await round.RunAsync([target], CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(relay.Received, Has.Count.EqualTo(1), "the account is still probed");
            Assert.That(documents.Sent(target.AccountId)?.ProbeId, Is.Not.Null, "the damaged document is replaced");
            Assert.That(log.Entries.Count(e => e.EventId == 1151), Is.EqualTo(1));
        }
    }

    [Test]
    public async Task DamagedSilenceDocuments_TheAlarmStillPages()
    {
        var folder = Path.Combine(Path.GetTempPath(), "mailgate-tests", "silence-attack-" + Guid.NewGuid().ToString("N"));
        using (var spool = new SpoolStore(folder))
        {
            var time = new FakeTimeProvider(T0);
            var store = spool.Cursors(MailSilence.Store);
            store.Write(MailSilence.AllKey, "[1, 2]"u8);
            store.Write(MailSilence.AlarmKey, "{\"WatchingSince\": 7"u8);
            var log = new CollectingLogger<SilenceAlarm>();
            var alarm = new SilenceAlarm(
                spool, spool, new ProcessingInbox(), new MailArrivals(),
                new RoleLeadership(spool, Options.Create(new SpoolOptions()), time, NullLogger<RoleLeadership>.Instance),
                Options.Create(new CoverageOptions { SilenceAlarm = TimeSpan.FromHours(1) }), time, log);

            await alarm.CheckAsync(TimeSpan.FromHours(1), CancellationToken.None);
            time.Advance(TimeSpan.FromMinutes(61));
            await alarm.CheckAsync(TimeSpan.FromHours(1), CancellationToken.None);
            await alarm.CheckAsync(TimeSpan.FromHours(1), CancellationToken.None);

            var alerts = ((ISpoolAdministration)spool).List(SpoolArea.Active).Messages.Count(m => m.Message.Envelope.Origin is CoverageOrigin);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(alerts, Is.EqualTo(1), "one silence page, though both documents were damaged");
                Assert.That(log.Entries.Count(e => e.EventId == 1151), Is.EqualTo(2), "each damaged document logged once");
                Assert.That(log.Entries.Count(e => e.EventId == 1192), Is.Zero, "not a storage failure");
            }
        }

        Directory.Delete(folder, recursive: true);
    }
}

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
/// Issue #15, silence alarms: no mail for longer than <c>Coverage:SilenceAlarm</c> → one coverage alert of kind
/// <c>silence</c> committed to the spool; mail returns → its resolve. Every replica's arrivals count (through the
/// store <c>coverage-silence</c>), and a new leader neither pages twice nor forgets the resolve. Driven round by round
/// on a fake clock over a real file spool (the page itself is the coverage decision's, tested with it).
/// </summary>
[TestFixture]
public sealed class SilenceAlarmTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Alarm = TimeSpan.FromHours(1);

    private string _folder = null!;
    private SpoolStore _spool = null!;
    private FakeTimeProvider _time = null!;
    private CollectingLogger<SilenceAlarm> _log = null!;

    [SetUp]
    public void SetUp()
    {
        _folder = Path.Combine(Path.GetTempPath(), "mailgate-tests", "silence-" + Guid.NewGuid().ToString("N"));
        _spool = new SpoolStore(_folder);
        _time = new FakeTimeProvider(T0);
        _log = new CollectingLogger<SilenceAlarm>();
    }

    [TearDown]
    public void TearDown()
    {
        _spool.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static IOptions<CoverageOptions> Settings() => Options.Create(new CoverageOptions { SilenceAlarm = Alarm });

    private SilenceAlarm NewAlarm(MailArrivals arrivals) => new(
        _spool,
        _spool,
        new ProcessingInbox(),
        arrivals,
        new RoleLeadership(_spool, Options.Create(new SpoolOptions()), _time, NullLogger<RoleLeadership>.Instance),
        Settings(),
        _time,
        _log);

    private SilenceRecorder NewRecorder(MailArrivals arrivals) =>
        new(_spool, arrivals, new CoverageView(_spool, arrivals, Settings(), _time), _time, NullLogger<SilenceRecorder>.Instance);

    /// <summary>The coverage alerts committed so far, oldest first.</summary>
    private List<(CoverageOrigin Origin, CoverageAlert Alert)> Alerts()
    {
        var alerts = new List<(CoverageOrigin, CoverageAlert)>();
        foreach (var entry in ((ISpoolAdministration)_spool).List(SpoolArea.Active).Messages)
        {
            if (entry.Message.Envelope.Origin is CoverageOrigin origin)
            {
                using var content = _spool.OpenContent(entry.Message);
                using var copy = new MemoryStream();
                content.CopyTo(copy);
                alerts.Add((origin, CoverageDocuments.Read<CoverageAlert>(copy.ToArray())!));
            }
        }

        return alerts;
    }

    private async Task CheckAtAsync(SilenceAlarm alarm, TimeSpan sinceT0, bool storeFails = false)
    {
        _time.SetUtcNow(T0 + sinceT0);
        var before = _log.Entries.Count(e => e.EventId == 1192);
        await alarm.CheckAsync(Alarm, CancellationToken.None);
        Assert.That(_log.Entries.Count(e => e.EventId == 1192) - before, Is.EqualTo(storeFails ? 1 : 0), "whether the store failed (logged once per change)");
    }

    [Test]
    public async Task NoMailLongerThanTheAlarm_OnePage_MailReturns_OneResolve()
    {
        var arrivals = new MailArrivals();
        var alarm = NewAlarm(arrivals);
        arrivals.Received(T0.AddMinutes(1), ["aws-root-1.example.com"]);

        await CheckAtAsync(alarm, TimeSpan.Zero);
        await CheckAtAsync(alarm, TimeSpan.FromMinutes(61));
        Assert.That(Alerts(), Is.Empty, "exactly the alarm since the last mail: not yet");

        await CheckAtAsync(alarm, TimeSpan.FromMinutes(62));
        await CheckAtAsync(alarm, TimeSpan.FromMinutes(63));
        await CheckAtAsync(alarm, TimeSpan.FromHours(5));
        var raised = Alerts();
        Assert.That(raised, Has.Count.EqualTo(1), "one page, however long the silence lasts");
        var (origin, alert) = raised[0];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(origin, Is.EqualTo(new CoverageOrigin("silence", Resolve: false)));
            Assert.That(alert.Kind, Is.EqualTo("silence"));
            Assert.That(alert.Resolve, Is.False);
            Assert.That(alert.DedupKey, Is.EqualTo("mailgate-coverage-silence"));
            Assert.That(alert.Summary, Does.StartWith("MailGate has received no mail for 1 h: the last arrived at 2026-12-01 08:01:00Z"));
            Assert.That(alert.RaisedAt, Is.EqualTo(T0.AddMinutes(62)));
        }

        arrivals.Received(T0.AddHours(5).AddMinutes(1), []);
        await CheckAtAsync(alarm, TimeSpan.FromHours(5) + TimeSpan.FromMinutes(2));
        await CheckAtAsync(alarm, TimeSpan.FromHours(5) + TimeSpan.FromMinutes(3));
        var all = Alerts();
        Assert.That(all, Has.Count.EqualTo(2), "one resolve");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(all[1].Origin, Is.EqualTo(new CoverageOrigin("silence", Resolve: true)));
            Assert.That(all[1].Alert.Resolve, Is.True);
            Assert.That(all[1].Alert.DedupKey, Is.EqualTo("mailgate-coverage-silence"));
        }
    }

    [Test]
    public async Task NoMailEver_CountsFromWhenTheAlarmBeganWatching()
    {
        var alarm = NewAlarm(new MailArrivals());
        await CheckAtAsync(alarm, TimeSpan.FromMinutes(10)); // watching since T0 + 10 min
        await CheckAtAsync(alarm, TimeSpan.FromMinutes(70));
        Assert.That(Alerts(), Is.Empty);

        await CheckAtAsync(alarm, TimeSpan.FromMinutes(71));
        Assert.That(Alerts().Single().Alert.Summary, Does.Contain("none recorded since it began watching at 2026-12-01 08:10:00Z"));
    }

    [Test]
    public async Task AnotherReplicasMail_KeepsTheLeaderQuiet()
    {
        var receiver = new MailArrivals(); // the replica that receives the mail
        var leader = NewAlarm(new MailArrivals()); // the leader receives none itself
        var recorder = NewRecorder(receiver);
        await CheckAtAsync(leader, TimeSpan.Zero);

        for (var minutes = 30; minutes <= 300; minutes += 30)
        {
            receiver.Received(T0.AddMinutes(minutes - 1), ["aws-root-2.example.com"]);
            _time.SetUtcNow(T0.AddMinutes(minutes));
            recorder.Round(refresh: true);
            await CheckAtAsync(leader, TimeSpan.FromMinutes(minutes));
        }

        Assert.That(Alerts(), Is.Empty);
        var stored = CoverageDocuments.Read<LastReceived>(_spool.Cursors(MailSilence.Store).Read(MailSilence.ListKey("aws-root-2.example.com")));
        Assert.That(stored, Is.EqualTo(new LastReceived { ReceivedAt = T0.AddMinutes(299), ListId = "aws-root-2.example.com" }));
    }

    [Test]
    public async Task NewLeader_DoesNotPageAgain_AndResolves()
    {
        var first = NewAlarm(new MailArrivals());
        await CheckAtAsync(first, TimeSpan.Zero);
        await CheckAtAsync(first, TimeSpan.FromMinutes(61));
        Assert.That(Alerts(), Has.Count.EqualTo(1));

        var arrivals = new MailArrivals();
        var second = NewAlarm(arrivals); // another replica takes the role over
        await CheckAtAsync(second, TimeSpan.FromMinutes(90));
        Assert.That(Alerts(), Has.Count.EqualTo(1), "the open alert is in the store: no second page");

        arrivals.Received(T0.AddMinutes(91), []);
        await CheckAtAsync(second, TimeSpan.FromMinutes(92));
        Assert.That(Alerts().Select(a => a.Alert.Resolve), Is.EqualTo(new[] { false, true }));
    }

    [Test]
    public void Recorder_KeepsTheLaterTime_WhateverReplicaWritesLast()
    {
        var newer = new MailArrivals();
        var older = new MailArrivals();
        newer.Received(T0.AddMinutes(20), ["g.example.com"]);
        older.Received(T0.AddMinutes(10), ["G.example.com"]);

        NewRecorder(newer).Round(refresh: false);
        NewRecorder(older).Round(refresh: false);

        var store = _spool.Cursors(MailSilence.Store);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(CoverageDocuments.Read<LastReceived>(store.Read(MailSilence.AllKey))!.ReceivedAt, Is.EqualTo(T0.AddMinutes(20)));
            Assert.That(CoverageDocuments.Read<LastReceived>(store.Read(MailSilence.ListKey("g.example.com")))!.ReceivedAt, Is.EqualTo(T0.AddMinutes(20)));
            Assert.That(store.Keys(), Is.EqualTo(new[] { "all", "list-g.example.com" }));
        }
    }

    [Test]
    public async Task StorageUnwritable_NoPage_ThenPagesOnceItIsBack()
    {
        var alarm = NewAlarm(new MailArrivals());
        await CheckAtAsync(alarm, TimeSpan.Zero);
        var folder = Path.Combine(_folder, MailSilence.Store);
        Directory.Move(folder, folder + ".away");
        await File.WriteAllTextAsync(folder, "a file where the folder was"); // writes and reads there fail now

        await CheckAtAsync(alarm, TimeSpan.FromMinutes(61), storeFails: true);
        Assert.That(Alerts(), Is.Empty, "the alarm's state cannot be read: no page on a guess");

        File.Delete(folder);
        Directory.Move(folder + ".away", folder);
        await CheckAtAsync(alarm, TimeSpan.FromMinutes(62));
        Assert.That(Alerts(), Has.Count.EqualTo(1));
    }
}

using System.Text;
using MailGate.Core.Coverage;

namespace MailGate.Core.Tests.Coverage;

/// <summary>Issue #15's views read the stored documents: every account with a sent or arrived document, evaluated; the silence documents; damage skipped.</summary>
[TestFixture]
public sealed class CoverageOverviewsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Deadline = TimeSpan.FromHours(2);

    private static CoverageOverview Build(Dictionary<string, byte[]> coverage, Dictionary<string, byte[]>? silence = null)
    {
        silence ??= [];
        return CoverageOverviews.Build(coverage.Keys, k => coverage.GetValueOrDefault(k), silence.Keys, k => silence.GetValueOrDefault(k), Now, Deadline, TimeSpan.FromHours(48));
    }

    private static ProbeSent Sent(string id, int hoursAgo, int failed = 0) => new()
    {
        AccountId = id,
        AccountName = "acct " + id,
        RootAddress = $"aws-root-{id}@example.com",
        ProbeId = "00000000000000" + id[^2..],
        SentAt = Now.AddHours(-hoursAgo),
        FailedRounds = failed,
        LastError = failed > 0 ? "554 relay refused" : null,
    };

    private static ProbeArrival Arrival(ProbeSent sent, int minutes) => new()
    {
        AccountId = sent.AccountId,
        ProbeId = sent.ProbeId!,
        SentAt = sent.SentAt!.Value,
        ArrivedAt = sent.SentAt!.Value.AddMinutes(minutes),
        ListIds = ["aws-root-" + sent.AccountId + ".example.com", "aws-all.example.com"],
        Recipients = ["mailgate@mailgate.example.com"],
        OriginalTo = "aws-root-" + sent.AccountId + "@example.com",
        ArcVerified = true,
    };

    [Test]
    public void EveryAccount_WithItsState_SortedById()
    {
        var ok = Sent("111111111111", 3);
        var missing = Sent("222222222222", 3);
        var pending = Sent("333333333333", 1);
        var failed = Sent("444444444444", 1, failed: 2);
        var docs = new Dictionary<string, byte[]>
        {
            [CoverageDocuments.SentKey(missing.AccountId)] = CoverageDocuments.Write(missing),
            [CoverageDocuments.SentKey(ok.AccountId)] = CoverageDocuments.Write(ok),
            [CoverageDocuments.ArrivedKey(ok.AccountId)] = CoverageDocuments.Write(Arrival(ok, 7)),
            [CoverageDocuments.SentKey(pending.AccountId)] = CoverageDocuments.Write(pending),
            [CoverageDocuments.SentKey(failed.AccountId)] = CoverageDocuments.Write(failed),
            ["arrived-555555555555"] = CoverageDocuments.Write(Arrival(Sent("555555555555", 30), 1)), // only an arrival: ok, no address
            ["sent-not-an-account"] = [1, 2, 3],
        };

        var overview = Build(docs);

        Assert.That(overview.Accounts.Select(a => (a.AccountId, a.State)), Is.EqualTo(new[]
        {
            ("111111111111", "ok"), ("222222222222", "missing"), ("333333333333", "pending"), ("444444444444", "send_failed"), ("555555555555", "ok"),
        }));
        var first = overview.Accounts[0];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.RootAddress, Is.EqualTo("aws-root-111111111111@example.com"));
            Assert.That(first.AccountName, Is.EqualTo("acct 111111111111"));
            Assert.That(first.LatencySeconds, Is.EqualTo(420));
            Assert.That(first.LastSentAt, Is.EqualTo(Now.AddHours(-3)));
            Assert.That(first.LastArrivalAt, Is.EqualTo(Now.AddHours(-3).AddMinutes(7)));
            Assert.That(first.ArcVerified, Is.True);
            Assert.That(first.Path, Is.EqualTo("aws-root-111111111111.example.com → aws-all.example.com → rcpt mailgate@mailgate.example.com → x-original-to aws-root-111111111111@example.com"));
            Assert.That(overview.Accounts[3].LastError, Is.EqualTo("554 relay refused"));
            Assert.That(overview.Accounts[4].RootAddress, Is.Empty);
            Assert.That(overview.Counts(), Is.EqualTo(new Dictionary<string, int> { ["pending"] = 1, ["ok"] = 2, ["missing"] = 1, ["send_failed"] = 1 }));
        }
    }

    [Test]
    public void DamagedDocument_IsSkipped_TheAccountShownFromTheOther()
    {
        var sent = Sent("111111111111", 3);
        var docs = new Dictionary<string, byte[]>
        {
            [CoverageDocuments.SentKey(sent.AccountId)] = CoverageDocuments.Write(sent),
            [CoverageDocuments.ArrivedKey(sent.AccountId)] = Encoding.UTF8.GetBytes("{not json"),
        };

        Assert.That(Build(docs).Accounts.Single().State, Is.EqualTo("missing"));
    }

    [Test]
    public void Silence_Overall_Alarm_AndGroups_LongestSilentFirst()
    {
        var silence = new Dictionary<string, byte[]>
        {
            [MailSilence.AllKey] = CoverageDocuments.Write(new LastReceived { ReceivedAt = Now.AddMinutes(-5) }),
            [MailSilence.AlarmKey] = CoverageDocuments.Write(new SilenceAlarmState { WatchingSince = Now.AddDays(-9), OpenSince = Now.AddDays(-1) }),
            [MailSilence.ListKey("a.example.com")] = CoverageDocuments.Write(new LastReceived { ReceivedAt = Now.AddMinutes(-5), ListId = "a.example.com" }),
            [MailSilence.ListKey("b.example.com")] = CoverageDocuments.Write(new LastReceived { ReceivedAt = Now.AddDays(-3), ListId = "b.example.com" }),
            [MailSilence.ListKey("c.example.com")] = Encoding.UTF8.GetBytes("[]"),
        };

        var overview = Build([], silence);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(overview.Accounts, Is.Empty);
            Assert.That(overview.Silence.LastReceivedAt, Is.EqualTo(Now.AddMinutes(-5)));
            Assert.That(overview.Silence.AlarmOpenSince, Is.EqualTo(Now.AddDays(-1)));
            Assert.That(overview.Silence.AlarmAfter, Is.EqualTo(TimeSpan.FromHours(48)));
            Assert.That(overview.Silence.Groups.Select(g => (g.ListId, g.SilentSeconds)), Is.EqualTo(new[] { ("b.example.com", 259200.0), ("a.example.com", 300.0) }));
        }
    }

    [Test]
    public void TheRelayAlert_OpenOrNot_IsShown_AndDoesNotBecomeAnAccount()
    {
        var failing = Sent("111111111111", 30, failed: 3);
        var open = Build(new()
        {
            [CoverageDocuments.SentKey(failing.AccountId)] = CoverageDocuments.Write(failing),
            [CoverageDocuments.RelayAlarmKey] = CoverageDocuments.Write(new RelayAlarmState { Open = true, Since = Now.AddHours(-2) }),
        });
        var closed = Build(new() { [CoverageDocuments.RelayAlarmKey] = CoverageDocuments.Write(new RelayAlarmState { Open = false }) });
        var damaged = Build(new() { [CoverageDocuments.RelayAlarmKey] = Encoding.UTF8.GetBytes("{\"open\": tr") });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(open.RelayAlertOpenSince, Is.EqualTo(Now.AddHours(-2)));
            Assert.That(open.Accounts.Single().State, Is.EqualTo("send_failed"));
            Assert.That(closed.RelayAlertOpenSince, Is.Null);
            Assert.That(closed.Accounts, Is.Empty);
            Assert.That(damaged.RelayAlertOpenSince, Is.Null);
        }
    }

    [TestCase("sent-123456789012", "123456789012")]
    [TestCase("arrived-123456789012", "123456789012")]
    [TestCase("sent-12345678901", null)]
    [TestCase("sent-1234567890123", null)]
    [TestCase("alarm", null)]
    [TestCase("arrived-12345678901x", null)]
    public void AccountOf(string key, string? id) => Assert.That(CoverageOverviews.AccountOf(key), Is.EqualTo(id));
}

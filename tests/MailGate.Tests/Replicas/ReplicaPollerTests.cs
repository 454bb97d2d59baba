using System.Diagnostics;
using MailGate.Poll;
using MailGate.Tests.Poll;
using MailGate.Tests.Support;
using MailGate.Tests.Support.Aws;

namespace MailGate.Tests.Replicas;

/// <summary>
/// The support-case poller on two replicas (issue #14, "Tests"; poller leadership): one replica leads and polls;
/// SIGKILL it and the other takes over within about one lease; no case is missed and none is paged twice.
/// Which replica found a case is read from its log ("Found support case …").
/// </summary>
[TestFixture]
[Category(ReplicaKillTests.Category)]
public sealed class ReplicaPollerTests
{
    private const string Prod = "111111111111";
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly string LeadsThePoller = "now leads " + CaseCursorStore.Poller;

    [Test]
    public async Task SupportCasePoller_OnTwoReplicas_OneLeader_KilledLeaderReplacedWithinALease_NoCasePagedTwice()
    {
        var clock = Stopwatch.StartNew();
        await using var aws = await FakeAws.StartAsync();
        aws.Organizations.AddAccount(Prod, "prod-payments", "aws-root-111111111111@example.com");
        var first = aws.Support.AddCase(Prod, new FakeCase { TimeCreated = DateTimeOffset.UtcNow.AddMinutes(-1) });
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        var folder = Path.Combine(Path.GetTempPath(), "mailgate-tests", "aws-" + Guid.NewGuid().ToString("N"));
        await using var set = ReplicaSet.Create(
            SupportCasePollerTestBase.Rules,
            pagerDuty,
            FakeAwsCredentialSource.ChildEnvironment(folder),
            [
                "--SupportCases:Enabled=true",
                $"--SupportCases:PollInterval={PollInterval:c}",
                "--SupportCases:Jitter=00:00:00",
                .. aws.Settings.Select(kv => $"--{kv.Key}={kv.Value}"),
            ]);
        var replicas = await set.StartAllAsync("A", "B");

        await pagerDuty.WaitForAsync(r => r.Any(e => e.Status == 202 && e.DedupKey == Key(first)), Guard);
        var finders = replicas.Where(r => Found(r, first)).Select(r => r.Name).ToArray();
        Assert.That(finders, Has.Length.EqualTo(1), "one leader: only one replica polls and finds the case");
        var leader = replicas.Single(r => Found(r, first));
        var follower = replicas.Single(r => r != leader);
        var leaderPolls = aws.RequestsOf("DescribeCases").Count;

        // Killed once its page is recorded: a SIGKILL between PagerDuty's 202 and that write may resend the same key
        // (the documented at-least-once window, docs/replicas.md); this test is about the poller's leadership.
        await set.WaitUntilAllFinishedAsync(Guard);

        // The takeover is timed to the follower's "now leads" line (lease expiry and one try: what leadership promises),
        // not to the page of a new case: that adds the follower's first round, cold (STS, Support, the spool, PagerDuty
        // in a process that never polled), which took 10.7 s under load on 2 cores and failed a bound of 8 s.
        var followerLines = follower.Process.Lines.Count;
        await ReplicaSet.KillAsync(leader);
        var killedAt = clock.Elapsed;
        var second = aws.Support.AddCase(Prod, new FakeCase { TimeCreated = DateTimeOffset.UtcNow, Subject = "Your AWS account may be compromised" });
        await follower.Process.WaitForLineAsync(l => l.Contains(LeadsThePoller, StringComparison.Ordinal), Guard, from: followerLines);
        var takeover = clock.Elapsed - killedAt;
        await pagerDuty.WaitForAsync(r => r.Any(e => e.Status == 202 && e.DedupKey == Key(second)), Guard);
        var paged = clock.Elapsed - killedAt;

        // The killed replica comes back as a follower; a third case is still paged once, by whoever leads.
        await set.RestartAsync(leader);
        var third = aws.Support.AddCase(Prod, new FakeCase { TimeCreated = DateTimeOffset.UtcNow, Subject = "Abuse report: port scanning" });
        await pagerDuty.WaitForAsync(r => r.Any(e => e.Status == 202 && e.DedupKey == Key(third)), Guard);
        await set.WaitUntilAllFinishedAsync(Guard);

        var triggers = pagerDuty.Accepted.GroupBy(e => e.DedupKey).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        TestContext.Out.WriteLine(
            $"leader {leader.Name}, follower {follower.Name}; {leaderPolls} DescribeCases before the kill; the follower led " +
            $"{takeover.TotalSeconds:F1} s and paged the case opened after the kill {paged.TotalSeconds:F1} s after the SIGKILL (lease {ReplicaSet.LeaseDuration.TotalSeconds} s, " +
            $"poll every {PollInterval.TotalSeconds} s); triggers per case: {string.Join(", ", triggers.Select(t => $"{t.Key}={t.Value}"))}; " +
            $"{aws.RequestsOf("DescribeCases").Count} DescribeCases in all; test {clock.Elapsed.TotalSeconds:F1} s");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Found(follower, second), Is.True, "the follower took over and found the new case");
            Assert.That(takeover, Is.LessThan(ReplicaSet.LeaseDuration + (ReplicaSet.LeaseDuration / 3) + TimeSpan.FromSeconds(5)), "taken over within about one lease (and one try)");
            Assert.That(triggers.Keys, Is.EquivalentTo(new[] { Key(first), Key(second), Key(third) }), "every case paged");
            Assert.That(triggers.Values, Is.All.EqualTo(1), "no case paged twice");
            Assert.That(aws.SignatureProblems, Is.Empty);
        }
    }

    private static string Key(FakeCase c) => $"mailgate-{SupportCasePollerTestBase.Rule}-{c.CaseId}";

    private static bool Found(Replica replica, FakeCase c) =>
        replica.Process.Lines.Any(l => l.Contains("Found support case " + c.CaseId, StringComparison.Ordinal));
}

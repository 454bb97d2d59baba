using System.Diagnostics;
using MailGate.Tests.Support;

namespace MailGate.Tests.Replicas;

/// <summary>
/// One trigger per email, across replicas and across time (issue #14, "Tests"; the delivery ledger): the same email
/// (same Message-ID) sent to replica A and delivered, then to replica B, then again after PagerDuty resolved the alert
/// (when PagerDuty's own dedup key no longer merges) → PagerDuty sees one trigger in all.
/// </summary>
[TestFixture]
[Category(ReplicaKillTests.Category)]
public sealed class ReplicaLedgerTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    [Test]
    public async Task SameEmail_ToAThenBThenAfterTheAlertWasResolved_OneTriggerInAll()
    {
        var clock = Stopwatch.StartNew();
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var set = ReplicaSet.Create(ReplicaMail.Rules, pagerDuty);
        var replicas = await set.StartAllAsync("A", "B");
        var (a, b) = (replicas[0], replicas[1]);
        const string MessageId = "replica-ledger-1@example.com";

        await ReplicaMail.SendAsync(a.Smtp, ReplicaMail.Message(MessageId));
        await pagerDuty.WaitForAsync(r => ReplicaMail.AcceptedByMessage(r).Contains(MessageId), Guard);
        await set.WaitUntilAllFinishedAsync(Guard);

        // The second copy, through the other replica (a second group path, a sender's retry after a lost 250).
        await ReplicaMail.SendAsync(b.Smtp, ReplicaMail.Message(MessageId));
        await set.WaitUntilAllFinishedAsync(Guard);

        // PagerDuty resolves the alert: from here on a trigger with the same dedup key would open a new incident.
        var beforeResolution = pagerDuty.Requests.Count;
        await ReplicaMail.SendAsync(a.Smtp, ReplicaMail.Message(MessageId));
        await set.WaitUntilAllFinishedAsync(Guard);

        var requests = pagerDuty.Requests;
        var copies = await set.CountAsync("done") + await set.CountAsync("dead");
        TestContext.Out.WriteLine(
            $"3 copies sent (A, B, A after the resolution), {copies} finished in the database, {requests.Count} POST(s), " +
            $"{requests.Count(r => r.Status == 202)} trigger(s) accepted, {requests.Count - beforeResolution} after the resolution; test {clock.Elapsed.TotalSeconds:F1} s");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(copies, Is.EqualTo(3), "every copy was taken and finished");
            Assert.That(requests.Select(ReplicaMail.MessageIdOf), Is.EqualTo(new[] { MessageId }), "one trigger in all");
            Assert.That(requests.Count - beforeResolution, Is.Zero, "nothing sent after the alert was resolved: it would have opened a second incident");
        }
    }
}

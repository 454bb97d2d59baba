using System.Diagnostics;
using MailGate.Tests.Support;

namespace MailGate.Tests.Replicas;

/// <summary>
/// Two copies of one email racing through the delivery ledger end to end (issue #14, "One trigger per email"): the
/// same Message-ID sent at the same moment to replica A and to replica B (two paths through nested groups reach both
/// MX hosts at once) while PagerDuty answers slowly, so the first trigger is still in flight when the second copy asks
/// the ledger → one trigger per email, the other copy recorded as a duplicate of it.
/// </summary>
[TestFixture]
[Category(ReplicaKillTests.Category)]
public sealed class ReplicaRaceTests
{
    private const int Emails = 4;
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    [Test]
    public async Task SameEmailAtTheSameMomentToBothReplicas_PagerDutySlow_OneTriggerEach_TheOtherCopyADuplicate()
    {
        var clock = Stopwatch.StartNew();
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        pagerDuty.Respond = _ => FakeResponse.SlowAccept(TimeSpan.FromMilliseconds(1500));
        await using var set = ReplicaSet.Create(ReplicaMail.Rules, pagerDuty);
        var replicas = await set.StartAllAsync("A", "B");
        var ids = Enumerable.Range(0, Emails).Select(i => $"replica-race-{i}@example.com").ToArray();

        // One email at a time (so that both replicas' lanes are idle and both copies reach the ledger within the slow
        // answer), each to both replicas at once.
        foreach (var id in ids)
        {
            await Task.WhenAll(replicas.Select(r => Task.Run(() => ReplicaMail.SendAsync(r.Smtp, ReplicaMail.Message(id)))));
            await set.WaitUntilAllFinishedAsync(Guard);
        }

        // A copy is finished in the database before its log line reaches this process: wait for each email's line
        // (on either replica) before counting; a line that never comes fails the count below.
        foreach (var id in ids)
        {
            await Task.WhenAny(replicas.Select(r => r.Process.WaitForLineAsync(l => l.Contains("Duplicate for ", StringComparison.Ordinal) && l.Contains($"message {id} ", StringComparison.Ordinal), Guard)));
        }

        var requests = pagerDuty.Requests;
        var triggered = ReplicaMail.AcceptedByMessage(requests);
        string[] Lines(string text) => [.. replicas.SelectMany(r => r.Process.Lines.Where(l => l.Contains(text, StringComparison.Ordinal)))];
        var duplicates = Lines("Duplicate for ");
        var waits = Lines("Waiting for ");
        var done = await set.CountAsync("done");
        TestContext.Out.WriteLine(
            $"{Emails} emails, each sent to A and B at once; {done} copies finished; {requests.Count} POST(s), {requests.Count(r => r.Status == 202)} accepted; " +
            $"{duplicates.Length} copies recorded as duplicates (event 1020), {waits.Length} ledger waits (event 1021); " +
            $"paged by A {replicas[0].Process.Lines.Count(l => l.Contains("→ PagerDuty Delivered", StringComparison.Ordinal))}, by B " +
            $"{replicas[1].Process.Lines.Count(l => l.Contains("→ PagerDuty Delivered", StringComparison.Ordinal))}; test {clock.Elapsed.TotalSeconds:F1} s");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(done, Is.EqualTo(2 * Emails), "both copies of every email were accepted and finished");
            Assert.That(await set.CountAsync("dead"), Is.Zero);
            Assert.That(requests, Has.Count.EqualTo(Emails), "one POST per email: the second copy never reached PagerDuty");
            Assert.That(ids.Select(id => triggered[id].Count()), Has.All.EqualTo(1), "one trigger per email");
            Assert.That(duplicates, Has.Length.EqualTo(Emails), "the other copy of each email recorded as a duplicate");
            Assert.That(ids.Select(id => duplicates.Count(l => l.Contains($"message {id} ", StringComparison.Ordinal))), Has.All.EqualTo(1));
            Assert.That(waits, Is.Not.Empty, "a copy found the other still in flight and waited: the race really happened");
        }
    }
}

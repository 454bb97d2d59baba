using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using MailGate.Tests.Storage;
using MailGate.Tests.Support;
using MailKit.Net.Smtp;

namespace MailGate.Tests.Replicas;

/// <summary>
/// Two replicas while their PostgreSQL goes away and comes back (issue #14, "Tests": "PostgreSQL stopped and
/// restarted during a load"; a real fast shutdown of a cluster of the test's own, <see cref="PausablePostgres"/>):
/// senders get <c>451 4.3.0</c> while it is down and send again later, as an MTA does; nothing accepted is lost,
/// nothing refused is paged, nothing is paged twice, and both replicas are ready again by themselves. And a message
/// held while the outage outlasts its lease is neither dropped nor delivered twice by the two replicas.
/// </summary>
[TestFixture]
[Category(ReplicaKillTests.Category)]
[NonParallelizable]
public sealed class ReplicaOutageTests
{
    private const int Senders = 4;
    private const int MessagesPerSender = 25;
    private const int AcceptedBeforeTheOutage = 30;
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    [Test]
    public async Task PostgresStoppedAndStartedDuringALoad_451sWhileDown_NothingLostOrPagedTwice_BothReadyAgain()
    {
        var clock = Stopwatch.StartNew();
        using var postgres = new PausablePostgres();
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        pagerDuty.Respond = _ => FakeResponse.SlowAccept(TimeSpan.FromMilliseconds(10));
        await using var set = ReplicaSet.OnDatabase(ReplicaMail.Rules, pagerDuty, postgres.ConnectionString);
        var replicas = await set.StartAllAsync("A", "B");
        using var http = new HttpClient();

        var accepted = new ConcurrentDictionary<string, int>(StringComparer.Ordinal); // Message-ID → the try that got the 250
        var refused = new ConcurrentBag<(string MessageId, int Try, string Answer)>();
        var manyAccepted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var everySenderRefused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiting = 0;

        async Task SendAllAsync(int sender)
        {
            for (var i = 0; i < MessagesPerSender; i++)
            {
                var messageId = $"replica-outage-{sender}-{i}@example.com";
                var target = replicas[(sender + i) % 2];
                for (var attempt = 1; !accepted.ContainsKey(messageId); attempt++)
                {
                    Assert.That(attempt, Is.LessThanOrEqualTo(5), $"{messageId}: refused {attempt - 1} times");
                    try
                    {
                        await ReplicaMail.SendAsync(target.Smtp, Message(messageId, attempt));
                        accepted[messageId] = attempt;
                        if (accepted.Count >= AcceptedBeforeTheOutage)
                        {
                            manyAccepted.TrySetResult();
                        }
                    }
                    catch (Exception e) when (e is SmtpCommandException or SmtpProtocolException or IOException)
                    {
                        // A 4xx (or a cut connection): the MTA keeps the message and tries again later — here, once the
                        // database is back (the test's stand-in for "later": no timer).
                        refused.Add((messageId, attempt, e is SmtpCommandException c ? $"{(int)c.StatusCode} {c.Message}" : e.GetType().Name + ": " + e.Message));
                        if (Interlocked.Increment(ref waiting) == Senders)
                        {
                            everySenderRefused.TrySetResult();
                        }

                        await resumed.Task.WaitAsync(Guard);
                    }
                }
            }

            if (Interlocked.Increment(ref waiting) == Senders)
            {
                everySenderRefused.TrySetResult(); // done before the outage: nothing left to refuse
            }
        }

        var load = Task.WhenAll(Enumerable.Range(0, Senders).Select(s => Task.Run(() => SendAllAsync(s))));
        await manyAccepted.Task.WaitAsync(Guard);
        var stopping = clock.Elapsed;
        await Task.Run(postgres.Pause);
        var acceptedAtTheStop = accepted.Count;
        await Task.WhenAny(everySenderRefused.Task, load).WaitAsync(Guard);
        var readyDuring = await Task.WhenAll(replicas.Select(r => ReadyAsync(http, r)));
        await Task.Run(postgres.Resume);
        var resumedAt = clock.Elapsed;
        resumed.SetResult();
        await load.WaitAsync(Guard);
        await set.WaitUntilAllFinishedAsync(Guard);
        var readyAfter = await Task.WhenAll(replicas.Select(r => ReadyAsync(http, r)));

        var triggers = ReplicaMail.AcceptedByMessage(pagerDuty.Requests);
        var rows = await set.CountAsync("done") + await set.CountAsync("dead") + await set.CountAsync("active");
        TestContext.Out.WriteLine(
            $"{accepted.Count} accepted ({acceptedAtTheStop} by the time PostgreSQL was stopped at {stopping.TotalSeconds:F1} s), " +
            $"{refused.Count} refused during the outage ({string.Join("; ", refused.Select(r => r.Answer).Distinct())}), outage " +
            $"{(resumedAt - stopping).TotalSeconds:F1} s; /readyz during {string.Join(",", readyDuring.Select(s => (int)s))}, after " +
            $"{string.Join(",", readyAfter.Select(s => (int)s))}; {pagerDuty.Requests.Count} POSTs, {triggers.Count} emails triggered; " +
            $"{rows} messages in the database; a summary: {pagerDuty.Requests[0].Payload.GetProperty("summary").GetString()}; test {clock.Elapsed.TotalSeconds:F1} s");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(refused, Is.Not.Empty, "some mail arrived while PostgreSQL was down");
            Assert.That(refused.Select(r => r.Answer), Has.All.StartWith("451 4.3.0"), "the outage's answer is 451 4.3.0");
            Assert.That(readyDuring, Has.All.EqualTo(HttpStatusCode.ServiceUnavailable), "/readyz during the outage");
            Assert.That(accepted, Has.Count.EqualTo(Senders * MessagesPerSender), "every message got its 250 in the end");
            Assert.That(accepted.Keys.Select(id => triggers[id].Count()), Has.All.EqualTo(1), "every accepted email paged exactly once");
            Assert.That(triggers.Select(t => t.Key), Is.EquivalentTo(accepted.Keys), "nothing else paged");
            Assert.That(
                accepted.Where(a => !triggers[a.Key].Single().Payload.GetProperty("summary").GetString()!.Contains(Subject(a.Key, a.Value), StringComparison.Ordinal)).Select(a => a.Key),
                Is.Empty,
                "the copy paged is the try that got the 250: no refused try was stored");
            Assert.That(pagerDuty.Requests.Select(r => r.DedupKey).Distinct().Count(), Is.EqualTo(accepted.Count), "one dedup key per email");
            Assert.That(rows, Is.EqualTo(accepted.Count), "the database holds one message per 250, none for a 451");
            Assert.That(readyAfter, Has.All.EqualTo(HttpStatusCode.OK), "both replicas ready again by themselves");
            Assert.That(replicas.Select(r => r.IsRunning), Has.All.True);
        }
    }

    [Test]
    public async Task LeaseRenewalsFailWhileTheOutageOutlastsTheLease_HeldMessageKept_ThenDeliveredOnceByTheTwoReplicas()
    {
        var clock = Stopwatch.StartNew();
        using var postgres = new PausablePostgres();
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        var down = true;
        pagerDuty.Respond = _ => Volatile.Read(ref down) ? FakeResponse.Unavailable : FakeResponse.Accepted;
        await using var set = ReplicaSet.OnDatabase(ReplicaMail.Rules, pagerDuty, postgres.ConnectionString);
        var replicas = await set.StartAllAsync("A", "B");
        var (a, b) = (replicas[0], replicas[1]);
        const string MessageId = "replica-held-1@example.com";

        // A holds the message: PagerDuty refuses it, A retries and keeps renewing its lease.
        await ReplicaMail.SendAsync(a.Smtp, ReplicaMail.Message(MessageId));
        await pagerDuty.WaitForAsync(r => r.Count >= 2, Guard);

        postgres.Pause();
        var stopped = clock.Elapsed;
        await a.Process.WaitForLineAsync(l => l.Contains("Cannot renew the leases of 1 message(s)", StringComparison.Ordinal), Guard);
        // The outage outlasts the lease (2 s) twice over: B's scans fail every 0.5 s (the product's own timer, no sleep here).
        var scans = (int)(2 * ReplicaSet.LeaseDuration / ReplicaSet.ScanInterval) + 1;
        await b.Process.WaitForLineAsync(_ => b.Process.Lines.Count(l => l.Contains("Spool scan failed", StringComparison.Ordinal)) >= scans, Guard);
        // PagerDuty comes back while the database is still away: nothing may be sent that the ledger cannot record.
        var refusedDuringOutage = pagerDuty.Requests.Count;
        Volatile.Write(ref down, false);
        var ownerBefore = a.Process.Lines.Count(l => l.Contains("Cannot renew the leases", StringComparison.Ordinal));
        await b.Process.WaitForLineAsync(_ => b.Process.Lines.Count(l => l.Contains("Spool scan failed", StringComparison.Ordinal)) >= scans + 2, Guard);
        var sentWhileDown = pagerDuty.Requests.Count(r => r.Status == 202);
        postgres.Resume();
        var outage = clock.Elapsed - stopped;

        await pagerDuty.WaitForAsync(r => ReplicaMail.AcceptedByMessage(r).Contains(MessageId), Guard);
        await set.WaitUntilAllFinishedAsync(Guard); // in done/: neither replica can send it again

        var requests = pagerDuty.Requests;
        var renewalFailures = a.Process.Lines.Count(l => l.Contains("Cannot renew the leases", StringComparison.Ordinal));
        var lost = replicas.Sum(r => r.Process.Lines.Count(l => l.Contains("Lost the claim", StringComparison.Ordinal)));
        var outcomes = replicas.Select(r => $"{r.Name}: {string.Join(" | ", r.Process.Lines.Where(l => l.Contains("Outcome for", StringComparison.Ordinal)).Select(l => l[(l.IndexOf('→', StringComparison.Ordinal) + 2)..]))}");
        TestContext.Out.WriteLine(
            $"outage {outage.TotalSeconds:F1} s (lease {ReplicaSet.LeaseDuration.TotalSeconds} s); {refusedDuringOutage} POST(s) refused before PagerDuty came back, " +
            $"{sentWhileDown} sent while the database was down; A logged 1011 {renewalFailures} time(s) ({ownerBefore} before the end); " +
            $"{lost} lost claim(s); {requests.Count} POSTs, {requests.Count(r => r.Status == 202)} accepted; outcomes {string.Join("; ", outcomes)}; test {clock.Elapsed.TotalSeconds:F1} s");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(renewalFailures, Is.EqualTo(1), "event 1011 once per outage");
            Assert.That(sentWhileDown, Is.Zero, "no trigger while the database could not record it");
            Assert.That(requests.Count(r => r.Status == 202), Is.EqualTo(1), "delivered once in all");
            Assert.That(requests.Select(r => r.DedupKey).Distinct().Count(), Is.EqualTo(1));
            Assert.That(await set.CountAsync("done"), Is.EqualTo(1), "finished, not dropped or dead-lettered");
            Assert.That(await set.CountAsync("dead"), Is.Zero);
        }
    }

    internal static string Subject(string messageId, int attempt) => $"replica outage {messageId} try {attempt}";

    internal static MimeKit.MimeMessage Message(string messageId, int attempt)
    {
        var message = ReplicaMail.Message(messageId);
        message.Subject = Subject(messageId, attempt);
        return message;
    }

    internal static async Task<HttpStatusCode> ReadyAsync(HttpClient http, Replica replica)
    {
        using var response = await http.GetAsync(new Uri(replica.Http, "/readyz"));
        return response.StatusCode;
    }
}

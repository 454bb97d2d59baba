using System.Collections.Concurrent;
using System.Diagnostics;
using MailGate.Tests.Support;

namespace MailGate.Tests.Replicas;

/// <summary>
/// Two replicas on one PostgreSQL under load while one of them is killed with SIGKILL again and again (issue #14,
/// "Tests"): every message that got a 250 reaches PagerDuty, and no email is ever paged with two dedup keys.
/// Seeded: the kills' moments are drawn in accepted messages, not wall-clock time, so a failure can be replayed.
/// </summary>
[TestFixture]
[Category(Category)]
public sealed class ReplicaKillTests
{
    /// <summary>The category of every multi-replica test (<c>dotnet test --filter TestCategory!=Replicas</c> leaves them out).</summary>
    public const string Category = "Replicas";

    private const int Clients = 3;
    private const int MessagesPerClient = 100;
    private const int Kills = 5;
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    [TestCase(20261201)]
    public async Task SigkillsOfOneReplica_UnderLoadOverTwo_LoseNothing_AndNoEmailGetsTwoDedupKeys(int seed)
    {
        var random = new Random(seed);
        var clock = Stopwatch.StartNew();
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        // Slow answers and some 500s keep POSTs in flight and retries pending when the kills land.
        pagerDuty.Respond = n => n % 9 == 0 ? FakeResponse.ServerError : FakeResponse.SlowAccept(TimeSpan.FromMilliseconds(15));
        await using var set = ReplicaSet.Create(ReplicaMail.Rules, pagerDuty);
        var replicas = await set.StartAllAsync("A", "B");
        var (survivor, victim) = (replicas[0], replicas[1]);
        var accepted = new ConcurrentDictionary<string, string>(StringComparer.Ordinal); // Message-ID → replica that said 250 (the last one)
        var acceptedBy = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        int attempts = 0, fallbacks = 0;
        var acceptedMore = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var victimUp = Task.CompletedTask; // pending from just before a kill until the restarted replica listens

        async Task SendAllAsync(int client)
        {
            for (var i = 0; i < MessagesPerClient; i++)
            {
                var messageId = $"replica-{seed}-{client}-{i}@example.com";
                // Spread over both; a new message for the killed replica waits for its restart (so the load stays
                // spread and every kill lands mid-load), but a send cut off by the kill is retried at once on the
                // other replica, as an MTA falls back to its second MX.
                var target = (client + i) % 2 == 0 ? survivor : victim;
                if (target == victim)
                {
                    await Volatile.Read(ref victimUp).WaitAsync(Guard);
                }

                for (var attempt = 0; attempt < 20 && !accepted.ContainsKey(messageId); attempt++)
                {
                    Interlocked.Increment(ref attempts);
                    try
                    {
                        await ReplicaMail.SendAsync(target.Smtp, ReplicaMail.Message(messageId));
                        accepted[messageId] = target.Name;
                        acceptedBy.AddOrUpdate(target.Name, 1, (_, n) => n + 1);
                        Interlocked.Exchange(ref acceptedMore, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                    }
#pragma warning disable CA1031 // Like a real MTA: any failure before the 250 means "try elsewhere".
                    catch (Exception)
#pragma warning restore CA1031
                    {
                        Interlocked.Increment(ref fallbacks);
                        target = target == victim ? survivor : victim;
                        if (target == victim)
                        {
                            await Volatile.Read(ref victimUp).WaitAsync(Guard);
                        }
                    }
                }
            }
        }

        // Waits for `count` more 250s (or for every client to finish): the next kill's moment.
        async Task AcceptedAsync(int count, Task clientsDone)
        {
            var target = accepted.Count + count;
            while (accepted.Count < target && !clientsDone.IsCompleted)
            {
                await Task.WhenAny(Volatile.Read(ref acceptedMore).Task, clientsDone).WaitAsync(Guard);
            }
        }

        var clients = Task.WhenAll(Enumerable.Range(0, Clients).Select(SendAllAsync));
        var kills = 0;
        var acceptedAtKills = new List<int>();
        for (; kills < Kills && !clients.IsCompleted; kills++)
        {
            await AcceptedAsync(random.Next(10, 40), clients);
            var restarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref victimUp, restarted.Task);
            try
            {
                acceptedAtKills.Add(accepted.Count);
                await ReplicaSet.KillAsync(victim);
                await set.RestartAsync(victim);
            }
            finally
            {
                restarted.TrySetResult();
            }
        }

        await clients.WaitAsync(TimeSpan.FromMinutes(2));
        var loadDone = clock.Elapsed;
        await pagerDuty.WaitForAsync(r => accepted.Keys.All(ReplicaMail.AcceptedByMessage(r).Contains), Guard);
        var allPaged = clock.Elapsed;
        await set.WaitUntilAllFinishedAsync(Guard); // late copies (a 250 lost to a kill, then resent) are finished too before counting

        var requests = pagerDuty.Requests;
        var triggered = ReplicaMail.AcceptedByMessage(requests);
        var lost = accepted.Keys.Count(id => !triggered.Contains(id));
        var twoKeys = requests.GroupBy(ReplicaMail.MessageIdOf).Count(g => g.Select(r => r.DedupKey).Distinct().Count() > 1);
        var sameKeyTwice = triggered.Count(g => g.Count() > 1);
        var rows = await set.CountAsync("done");
        TestContext.Out.WriteLine(
            $"seed {seed}: {Clients * MessagesPerClient} messages, {attempts} SMTP attempts ({fallbacks} failed and went elsewhere), " +
            $"{accepted.Count} accepted (A {acceptedBy.GetValueOrDefault("A")}, B {acceptedBy.GetValueOrDefault("B")} 250s), " +
            $"{kills} SIGKILLs of B at {string.Join('/', acceptedAtKills)} accepted, {rows} rows done in the database " +
            $"({rows - accepted.Count} extra copies from sends retried after a lost 250), {requests.Count} POSTs, " +
            $"lost={lost}, emails with two dedup keys={twoKeys}, emails triggered twice with the same key={sameKeyTwice}; " +
            $"load {loadDone.TotalSeconds:F1} s, all paged at {allPaged.TotalSeconds:F1} s, settled at {clock.Elapsed.TotalSeconds:F1} s");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(accepted, Has.Count.EqualTo(Clients * MessagesPerClient), "every message was eventually accepted");
            Assert.That(kills, Is.EqualTo(Kills), "B was killed while under load, every time");
            Assert.That(lost, Is.Zero, "no message that got a 250 is lost");
            Assert.That(twoKeys, Is.Zero, "no email is ever paged with two different dedup keys");
        }
    }
}
